using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// PT0001 reads from syntax, before any member is bound, the candidate caches a removal call settles:
    /// <c>_cache.Remove(k)</c>, <c>this._cache.Clear()</c>. Bound, each such call marks the field bounded (an instance
    /// method, or CollectionExtensions.Remove) or escaping (any other extension method); either way the field is never
    /// reported, so its other uses need not be walked. Only receivers that can name nothing but the field count: the
    /// field's simple name in a member that declares nothing of that name, or <c>this.</c> and the name.
    /// </summary>
    internal static class CacheBoundingCalls
    {
        /// <summary>Names the bound walk always takes as a bound (UnboundedCacheAnalyzer.ClassifyMethod).</summary>
        private static readonly string[] RemovalNames = { "Remove", "TryRemove", "Clear", "RemoveWhere", "RemoveAll" };

        /// <summary>The names among <paramref name="candidateNames"/> that some declaration of the type calls a removal on.</summary>
        internal static HashSet<string> FieldsRemovedFrom(INamedTypeSymbol type, ICollection<string> candidateNames, CancellationToken cancellationToken)
        {
            var removed = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                foreach (var node in reference.GetSyntax(cancellationToken).DescendantNodes())
                {
                    if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }
                        && access.IsKind(SyntaxKind.SimpleMemberAccessExpression)
                        && access.Name is IdentifierNameSyntax method
                        && System.Array.IndexOf(RemovalNames, method.Identifier.ValueText) >= 0
                        && ReceiverName(access.Expression) is string name
                        && candidateNames.Contains(name)
                        && !removed.Contains(name)
                        && !MayNameSomethingElse(access.Expression, name))
                    {
                        removed.Add(name);
                    }
                }
            }

            return removed;
        }

        private static string? ReceiverName(ExpressionSyntax receiver) => receiver switch
        {
            IdentifierNameSyntax simple => simple.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax name } => name.Identifier.ValueText,
            _ => null,
        };

        /// <summary>
        /// A simple name may be a local, a parameter, a pattern or query variable of its member: true when the member
        /// spells the name anywhere but as a plain reference. (<c>this.</c> plus the name always reaches a member.)
        /// </summary>
        private static bool MayNameSomethingElse(ExpressionSyntax receiver, string name)
        {
            if (!(receiver is IdentifierNameSyntax))
            {
                return false;
            }

            SyntaxNode? member = receiver.Parent;
            while (member != null && !(member is MemberDeclarationSyntax))
            {
                member = member.Parent;
            }

            if (member is null || member is BaseTypeDeclarationSyntax)
            {
                return true; // a primary constructor's base list, or a broken tree: not decided here
            }

            foreach (var token in member.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == name && !(token.Parent is IdentifierNameSyntax))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
