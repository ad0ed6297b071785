using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// PT0005 reads from syntax, before binding, a member whose every wait is the canonical one:
    /// <c>await _gate.WaitAsync(ct); try { … } finally { _gate.Release(); }</c>, the timeout form
    /// <c>if (!await _gate.WaitAsync(t)) return …;</c> before the try, or the wait inside the try. The bound walk finds
    /// nothing to report in such a member; what it would learn for the rest of the type is which of the type's
    /// semaphore fields the member releases, and in which function, and that is returned here. Anything else (a
    /// semaphore that is not one of the type's own fields, a field used other than by a call, any object creation, a
    /// wait without such a release) makes the member bound and walked as usual.
    /// </summary>
    internal static class SemaphoreSafeMembers
    {
        /// <summary>A release read from syntax: the field's name and the function (lambda, local function or member) it runs in.</summary>
        internal readonly struct Release
        {
            internal Release(string field, SyntaxNode function)
            {
                Field = field;
                Function = function;
            }

            internal string Field { get; }

            internal SyntaxNode Function { get; }
        }

        /// <summary>
        /// True when every wait and release in <paramref name="member"/> is on one of <paramref name="ownFields"/> (the
        /// type's own semaphore fields) and every wait is released in a finally that protects it;
        /// <paramref name="releases"/> then lists the member's releases.
        /// </summary>
        internal static bool TryRead(MemberDeclarationSyntax member, ICollection<string> ownFields, out List<Release> releases)
        {
            releases = new List<Release>();
            var waits = new List<(InvocationExpressionSyntax Call, string Field, SyntaxNode Function)>();
            var receivers = new HashSet<SyntaxNode>();
            foreach (var node in member.DescendantNodes())
            {
                if (node is BaseObjectCreationExpressionSyntax)
                {
                    return false; // a semaphore created here may be a signal or a per-item throttle: bound
                }

                if (!(node is InvocationExpressionSyntax invocation) || !(invocation.Expression is MemberAccessExpressionSyntax access))
                {
                    continue;
                }

                var kind = access.Name.Identifier.ValueText;
                var isWait = kind == "Wait" || kind == "WaitAsync" || kind == "WaitOne";
                if (!isWait && kind != "Release")
                {
                    continue;
                }

                var field = OwnField(access, ownFields);
                if (field is null)
                {
                    return false; // a local, a parameter, another object's semaphore, or something else called Wait
                }

                receivers.Add(access.Expression);
                var function = FunctionOf(invocation, member);
                if (isWait)
                {
                    waits.Add((invocation, field, function));
                }
                else
                {
                    releases.Add(new Release(field, function));
                }
            }

            // Any other use of the fields (passed on, stored, returned) lets someone else release them: bound.
            foreach (var token in member.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && ownFields.Contains(token.ValueText) && !IsReceiverToken(token, receivers))
                {
                    return false;
                }
            }

            foreach (var wait in waits)
            {
                if (!IsProtected(wait.Call, wait.Field, wait.Function, waits, ownFields, member))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// <c>_gate.Wait…</c> or <c>this._gate.Wait…</c> on one of <paramref name="fields"/> (a declaration of the same
        /// name in the member is caught by the token check in <see cref="TryRead"/>).
        /// </summary>
        private static string? OwnField(MemberAccessExpressionSyntax access, ICollection<string> fields)
        {
            if (!access.IsKind(SyntaxKind.SimpleMemberAccessExpression) || !(access.Name is IdentifierNameSyntax))
            {
                return null;
            }

            var name = SyntaxValues.SimpleOrThisName(access.Expression);
            return name != null && fields.Contains(name) ? name : null;
        }

        private static bool IsReceiverToken(SyntaxToken token, HashSet<SyntaxNode> receivers)
        {
            if (!(token.Parent is IdentifierNameSyntax name))
            {
                return false; // a declaration: a local, parameter or lambda parameter with the field's name
            }

            return receivers.Contains(name)
                || (name.Parent is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } thisAccess && thisAccess.Name == name && receivers.Contains(thisAccess));
        }

        /// <summary>The innermost lambda, anonymous method or local function holding the call, or the member.</summary>
        private static SyntaxNode FunctionOf(SyntaxNode node, MemberDeclarationSyntax member)
        {
            for (var parent = node.Parent; parent != null && parent != member; parent = parent.Parent)
            {
                if (parent is AnonymousFunctionExpressionSyntax || parent is LocalFunctionStatementSyntax)
                {
                    return parent;
                }
            }

            return member;
        }

        /// <summary>
        /// The bound walk's test: a release of the same field, in the same function, inside the finally of a try that
        /// starts after the wait (and before the next wait on that field) or whose body holds the wait.
        /// </summary>
        private static bool IsProtected(
            InvocationExpressionSyntax wait,
            string field,
            SyntaxNode function,
            List<(InvocationExpressionSyntax Call, string Field, SyntaxNode Function)> waits,
            ICollection<string> ownFields,
            MemberDeclarationSyntax member)
        {
            var nextWait = int.MaxValue;
            foreach (var other in waits)
            {
                if (other.Call != wait && other.Field == field && other.Function == function
                    && other.Call.SpanStart >= wait.Span.End && other.Call.SpanStart < nextWait)
                {
                    nextWait = other.Call.SpanStart;
                }
            }

            foreach (var node in function.DescendantNodes())
            {
                if (!(node is InvocationExpressionSyntax release) || !(release.Expression is MemberAccessExpressionSyntax access)
                    || access.Name.Identifier.ValueText != "Release" || OwnField(access, ownFields) != field
                    || FunctionOf(release, member) != function)
                {
                    continue;
                }

                for (SyntaxNode? current = release.Parent; current != null && current != function; current = current.Parent)
                {
                    if (current is FinallyClauseSyntax { Parent: TryStatementSyntax tryStatement })
                    {
                        var start = tryStatement.SpanStart;
                        if ((start >= wait.Span.End && start < nextWait) || tryStatement.Block.Span.Contains(wait.Span))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }
    }
}
