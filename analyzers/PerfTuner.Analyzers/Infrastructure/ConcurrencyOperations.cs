using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>Small IOperation helpers PT0003 (unbounded concurrency) uses to follow values through a method body.</summary>
    internal static class ConcurrencyOperations
    {
        /// <summary>Strips implicit and explicit conversions, parentheses and query translations.</summary>
        internal static IOperation? Unwrap(IOperation? operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        break;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        break;
                    case ITranslatedQueryOperation query:
                        operation = query.Operation;
                        break;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>The (unwrapped) value passed for the parameter at <paramref name="ordinal"/>, or null.</summary>
        internal static IOperation? ArgumentFor(IInvocationOperation invocation, int ordinal)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Ordinal == ordinal)
                {
                    return Unwrap(argument.Value);
                }
            }

            return null;
        }

        /// <summary>For <c>items.Count</c>, <c>items.Length</c> or <c>items.Count()</c>, the collection; otherwise null.</summary>
        internal static IOperation? SizeOfCollection(IOperation? operation)
        {
            operation = Unwrap(operation);
            switch (operation)
            {
                case IPropertyReferenceOperation property
                    when property.Instance != null
                         && (property.Property.Name == "Count" || property.Property.Name == "Length" || property.Property.Name == "LongLength"):
                    return property.Instance;
                case IInvocationOperation invocation
                    when (invocation.TargetMethod.Name == "Count" || invocation.TargetMethod.Name == "LongCount")
                         && invocation.TargetMethod.IsExtensionMethod
                         && invocation.Arguments.Length == 1:
                    return invocation.Arguments[0].Value;
                default:
                    return null;
            }
        }

        /// <summary>The outermost operation (the method, accessor or initializer body) containing <paramref name="operation"/>.</summary>
        internal static IOperation Root(IOperation operation)
        {
            var current = operation;
            while (current.Parent != null)
            {
                current = current.Parent;
            }

            return current;
        }

        /// <summary>
        /// The one value ever stored in <paramref name="local"/> within <paramref name="root"/> (its initializer, or a single
        /// assignment when declared without one); null when it is written more than once, by ref/out, or not at all.
        /// </summary>
        internal static IOperation? SingleAssignment(IOperation root, ILocalSymbol local, CancellationToken cancellationToken)
        {
            IOperation? value = null;
            var writes = 0;
            foreach (var operation in root.Descendants())
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        if (declarator.Initializer != null)
                        {
                            value = declarator.Initializer.Value;
                            writes++;
                        }

                        break;
                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                        if (IsWrite(reference, out var assigned))
                        {
                            value = assigned;
                            writes++;
                        }

                        break;
                }
            }

            return writes == 1 ? Unwrap(value) : null;
        }

        /// <summary>Whether elements are added to the collection in <paramref name="local"/>, or it is handed to code that might.</summary>
        internal static bool IsGrownAnywhere(IOperation root, ILocalSymbol local)
        {
            foreach (var operation in root.Descendants())
            {
                if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                switch (reference.Parent)
                {
                    case IInvocationOperation invocation when invocation.Instance == reference && IsGrowingMethod(invocation.TargetMethod.Name):
                    case IArgumentOperation:
                        return true;
                }
            }

            return false;
        }

        internal static bool IsGrowingMethod(string name) =>
            name == "Add" || name == "AddRange" || name == "Insert" || name == "InsertRange"
            || name == "Push" || name == "Enqueue" || name == "TryAdd";

        /// <summary>Is this local reference the target of an assignment or a ref/out argument? <paramref name="value"/> is the simple-assigned value.</summary>
        internal static bool IsWrite(ILocalReferenceOperation reference, out IOperation? value)
        {
            value = null;
            switch (reference.Parent)
            {
                case ISimpleAssignmentOperation simple when simple.Target == reference:
                    value = simple.Value;
                    return true;
                case IAssignmentOperation assignment when assignment.Target == reference:
                    return true;
                case IArgumentOperation argument when argument.Parameter != null && argument.Parameter.RefKind != RefKind.None && argument.Parameter.RefKind != RefKind.In:
                    return true;
                case ITupleOperation:
                case IDeclarationExpressionOperation:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Source text for a message: whitespace collapsed, long expressions shortened.</summary>
        internal static string Describe(SyntaxNode syntax)
        {
            const int MaxLength = 60;
            var text = syntax.ToString();
            var builder = new StringBuilder(text.Length);
            var lastWasSpace = false;
            foreach (var c in text)
            {
                if (char.IsWhiteSpace(c))
                {
                    if (!lastWasSpace && builder.Length > 0)
                    {
                        builder.Append(' ');
                    }

                    lastWasSpace = true;
                    continue;
                }

                builder.Append(c);
                lastWasSpace = false;
            }

            var collapsed = builder.ToString().Trim();
            return collapsed.Length <= MaxLength ? collapsed : collapsed.Substring(0, MaxLength - 1) + "…";
        }
    }
}
