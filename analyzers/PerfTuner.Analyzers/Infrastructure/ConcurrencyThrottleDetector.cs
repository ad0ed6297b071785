using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// PT0003: does a piece of code acquire a throttle (a SemaphoreSlim permit or a look-alike) before it runs its work?
    /// A fan-out whose work waits for a permit is bounded by the permit count, so the rule stays silent.
    /// </summary>
    internal static class ConcurrencyThrottleDetector
    {
        /// <summary>
        /// Method names that acquire a permit on SemaphoreSlim and on the usual alternatives (Semaphore.WaitOne,
        /// RateLimiter.AcquireAsync, Nito.AsyncEx AsyncSemaphore/AsyncLock). Matching by name keeps team-made
        /// throttles silent too: precision first.
        /// </summary>
        private static bool IsAcquireName(string name) =>
            name == "WaitAsync" || name == "Wait" || name == "WaitOne" || name == "AcquireAsync"
            || name == "AttemptAcquire" || name == "LockAsync" || name == "EnterAsync";

        /// <summary>True when <paramref name="scope"/> acquires a throttle itself or calls a method of this compilation that does.</summary>
        internal static bool AcquiresThrottle(IOperation? scope, ConcurrencyTypes types, CancellationToken cancellationToken)
        {
            if (scope == null)
            {
                return false;
            }

            foreach (var operation in scope.DescendantsAndSelf())
            {
                if (operation is not IInvocationOperation invocation)
                {
                    continue;
                }

                var method = invocation.TargetMethod;
                if (IsAcquisition(method, types))
                {
                    return true;
                }

                if (IsSourceMethodThatAcquires(method, cancellationToken))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when a method (a method group passed as the work) is declared here and acquires a throttle.</summary>
        internal static bool IsSourceMethodThatAcquires(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.DeclaringSyntaxReferences.IsEmpty)
            {
                return false;
            }

            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(cancellationToken);
                foreach (var node in declaration.DescendantNodes())
                {
                    if (node is InvocationExpressionSyntax call && IsAcquireName(InvokedName(call.Expression)))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsAcquisition(IMethodSymbol method, ConcurrencyTypes types)
        {
            if (!IsAcquireName(method.Name))
            {
                return false;
            }

            if (types.Is(method.ContainingType, types.SemaphoreSlim))
            {
                return true;
            }

            // Task.Wait / Task.WaitAsync(timeout) wait for a result; they limit nothing.
            return !types.IsTaskLike(method.ContainingType);
        }

        private static string InvokedName(ExpressionSyntax expression) => expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
    }
}
