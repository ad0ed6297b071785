using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>What a call on a semaphore does, as far as PT0005 is concerned.</summary>
    internal enum SemaphoreCallKind
    {
        None,
        Wait,
        Release,
    }

    /// <summary>
    /// Recognises Wait/Release calls on SemaphoreSlim (and configured look-alike types) and names the semaphore a call
    /// is made on: a local, parameter, field or property. Shared by the PT0005 analyzer and its code fix.
    /// </summary>
    internal static class SemaphoreCalls
    {
        internal static SemaphoreCallKind Classify(IInvocationOperation invocation, ImmutableHashSet<INamedTypeSymbol> semaphoreTypes)
        {
            var method = invocation.TargetMethod;
            if (method == null || method.IsStatic || method.ContainingType == null
                || !semaphoreTypes.Contains(method.ContainingType.OriginalDefinition))
            {
                return SemaphoreCallKind.None;
            }

            switch (method.Name)
            {
                case "Wait":
                case "WaitAsync":
                case "WaitOne":
                    return SemaphoreCallKind.Wait;
                case "Release":
                    return SemaphoreCallKind.Release;
                default:
                    return SemaphoreCallKind.None;
            }
        }

        /// <summary>The receiver of an instance call, seen through <c>?.</c>, conversions and parentheses.</summary>
        internal static IOperation? Receiver(IInvocationOperation invocation)
        {
            var instance = invocation.Instance;
            if (instance is IConditionalAccessInstanceOperation)
            {
                for (var parent = invocation.Parent; parent != null; parent = parent.Parent)
                {
                    if (parent is IConditionalAccessOperation access)
                    {
                        instance = access.Operation;
                        break;
                    }
                }
            }

            return Unwrap(instance);
        }

        /// <summary>The variable a semaphore call is made on, or null when it is not a plain variable (e.g. <c>_locks[key]</c>).</summary>
        internal static ISymbol? SemaphoreSymbol(IOperation? receiver)
        {
            switch (Unwrap(receiver))
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field:
                    return field.Field.OriginalDefinition;
                case IPropertyReferenceOperation property when property.Arguments.IsEmpty:
                    return property.Property.OriginalDefinition;
                default:
                    return null;
            }
        }

        internal static IOperation? Unwrap(IOperation? operation)
        {
            while (operation is IConversionOperation conversion && conversion.IsImplicit)
            {
                operation = conversion.Operand;
            }

            while (operation is IParenthesizedOperation parenthesized)
            {
                operation = parenthesized.Operand;
            }

            return operation;
        }
    }
}
