using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// Semaphore fields created in place (<c>= new(4)</c>, <c>= new SemaphoreSlim(0, 1)</c>), read from syntax (PT0005).
    /// From such an initializer the rule learns one thing: whether it creates a signal (initial count zero) rather
    /// than a throttle. Binding a field initializer costs two to three times what a method body does, because the
    /// compiler hands the driver method bodies already bound but not initializers; these are the common case.
    /// </summary>
    internal static class SemaphoreFieldInitializers
    {
        /// <summary>
        /// Whether every initializer of the declaration is absent or a <c>new</c> of the declared type (spelled the same,
        /// or target-typed) whose arguments are all positional numeric literals, with no object initializer. Such a block
        /// holds no call, no reference and no lambda: nothing but the creation and its constants.
        /// </summary>
        internal static bool ArePlain(BaseFieldDeclarationSyntax field)
        {
            var declaredType = field.Declaration.Type.ToString();
            foreach (var variable in field.Declaration.Variables)
            {
                if (variable.Initializer is null)
                {
                    continue;
                }

                if (!(SyntaxValues.Unparenthesize(variable.Initializer.Value) is BaseObjectCreationExpressionSyntax creation)
                    || creation.Initializer != null
                    || creation.ArgumentList is null
                    || (creation is ObjectCreationExpressionSyntax named && named.Type.ToString() != declaredType))
                {
                    return false;
                }

                foreach (var argument in creation.ArgumentList.Arguments)
                {
                    if (argument.NameColon != null
                        || !argument.RefKindKeyword.IsKind(SyntaxKind.None)
                        || !argument.Expression.IsKind(SyntaxKind.NumericLiteralExpression))
                    {
                        return false;
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// For a variable of a declaration that <see cref="ArePlain"/>: whether its first argument, the initial count of
        /// every semaphore constructor, is the int constant zero — what the rule's bound test reads from the operation.
        /// </summary>
        internal static bool CreatesSignal(VariableDeclaratorSyntax variable) =>
            variable.Initializer != null
            && SyntaxValues.Unparenthesize(variable.Initializer.Value) is BaseObjectCreationExpressionSyntax creation
            && creation.ArgumentList is { Arguments: { Count: > 0 } arguments }
            && arguments[0].Expression is LiteralExpressionSyntax literal
            && literal.Token.Value is int count
            && count == 0;
    }
}
