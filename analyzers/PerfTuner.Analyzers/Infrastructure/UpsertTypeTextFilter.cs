using System;
using System.Collections.Concurrent;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// Decides, once per type, whether any code of that type can call an upsert method (PT0002), from the text of its
    /// declarations: an invocation of <c>UpsertAsync</c> or <c>Upsert</c> spells the method name in the source (C# never
    /// calls a method of that name implicitly, the way a collection initializer calls <c>Add</c>), either directly or
    /// through a unicode escape. So a type whose declarations contain neither "Upsert" nor an escape holds no
    /// invocation the rule could report, and the rule registers nothing for it. The ordinal substring test is a strict
    /// relaxation of "some identifier token is UpsertAsync or Upsert", so the same invocations are analysed.
    /// </summary>
    internal sealed class UpsertTypeTextFilter
    {
        private readonly ConcurrentDictionary<SyntaxTree, string> _texts = new ConcurrentDictionary<SyntaxTree, string>();

        internal bool MayCallUpsert(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var tree = reference.SyntaxTree;
                var text = _texts.GetOrAdd(tree, t => t.GetText(cancellationToken).ToString());
                var span = reference.Span;
                if (span.End > text.Length)
                {
                    return true; // cannot happen for a parsed tree; analyse rather than guess
                }

                if (text.IndexOf("Upsert", span.Start, span.Length, StringComparison.Ordinal) >= 0
                    || text.IndexOf("\\u", span.Start, span.Length, StringComparison.Ordinal) >= 0
                    || text.IndexOf("\\U", span.Start, span.Length, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
