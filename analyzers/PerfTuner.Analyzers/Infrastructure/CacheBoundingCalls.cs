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

        /// <summary>
        /// The names among <paramref name="candidateNames"/> that some declaration of the type calls a removal on. The
        /// declarations' text is searched for the method names and only the tokens found are looked at: most types
        /// never spell one, and walking every node of every candidate's type cost more than the rest of the search.
        /// (A name spelled with a unicode escape is not found here; that candidate is then walked and bound as usual.)
        /// </summary>
        internal static HashSet<string> FieldsRemovedFrom(INamedTypeSymbol type, ICollection<string> candidateNames, CancellationToken cancellationToken)
        {
            var removed = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var declaration = reference.GetSyntax(cancellationToken);
                var text = declaration.SyntaxTree.GetText(cancellationToken).ToString(declaration.Span);
                foreach (var method in RemovalNames)
                {
                    for (var at = text.IndexOf(method, System.StringComparison.Ordinal); at >= 0; at = text.IndexOf(method, at + method.Length, System.StringComparison.Ordinal))
                    {
                        var name = RemovedFrom(declaration.FindToken(declaration.SpanStart + at), method);
                        if (name != null && candidateNames.Contains(name))
                        {
                            removed.Add(name);
                        }
                    }
                }
            }

            return removed;
        }

        /// <summary>The field a removal call named by <paramref name="token"/> is made on, when nothing else can be meant.</summary>
        private static string? RemovedFrom(SyntaxToken token, string method)
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken) || token.ValueText != method
                || !(token.Parent is IdentifierNameSyntax methodName)
                || !(methodName.Parent is MemberAccessExpressionSyntax access) || access.Name != methodName
                || !access.IsKind(SyntaxKind.SimpleMemberAccessExpression)
                || !(access.Parent is InvocationExpressionSyntax invocation) || invocation.Expression != access)
            {
                return null;
            }

            var name = SyntaxValues.SimpleOrThisName(access.Expression);
            return name != null && !MayNameSomethingElse(access.Expression, name) ? name : null;
        }

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
