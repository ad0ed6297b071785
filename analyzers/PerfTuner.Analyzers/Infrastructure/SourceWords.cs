using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// The words a rule's findings always spell in source: a member whose text contains none of them holds nothing the
    /// rule reports, so the rule never binds it (see <see cref="SourceOperations"/>). The test is an ordinal substring
    /// search, a relaxation of "some identifier token is one of the words"; it also matches a unicode escape (an
    /// identifier may be spelled <c>\u0055psert</c>) and the name of any using alias whose target spells a word.
    /// A word that is a single identifier character (the discard <c>_</c>) only matches as a whole token.
    /// </summary>
    internal sealed class SourceWords
    {
        private static readonly string[] Escapes = { "\\u", "\\U" };

        private readonly string[] _substrings;
        private readonly string[] _wholeWords;

        private SourceWords(string[] substrings, string[] wholeWords, bool everything)
        {
            _substrings = substrings;
            _wholeWords = wholeWords;
            MatchesEverything = everything;
        }

        /// <summary>No filter: every member is analysed (a configured name may be called implicitly).</summary>
        internal static SourceWords Everything { get; } = new SourceWords(Array.Empty<string>(), Array.Empty<string>(), everything: true);

        internal bool MatchesEverything { get; }

        /// <param name="words">Matched anywhere in a member's text.</param>
        /// <param name="wholeWords">Matched only where no identifier character is on either side.</param>
        internal static SourceWords Create(Compilation compilation, IEnumerable<string> words, IEnumerable<string>? wholeWords, CancellationToken cancellationToken)
        {
            var substrings = new HashSet<string>(words.Where(w => w.Length > 0), StringComparer.Ordinal);
            foreach (var alias in AliasesOf(compilation, substrings.ToArray(), cancellationToken))
            {
                substrings.Add(alias);
            }

            substrings.UnionWith(Escapes);
            return new SourceWords(substrings.ToArray(), (wholeWords ?? Array.Empty<string>()).ToArray(), everything: false);
        }

        /// <summary>Member names (fields, methods), which no alias can spell: matched as whole tokens, plus escapes.</summary>
        internal static SourceWords MemberNames(IEnumerable<string> names) =>
            new SourceWords(Escapes, names.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToArray(), everything: false);

        /// <summary>Whether the span of the text contains a word.</summary>
        internal bool Mentions(string text, TextSpan span)
        {
            if (MatchesEverything)
            {
                return true;
            }

            if (span.End > text.Length)
            {
                return true; // cannot happen for a parsed tree; analyse rather than guess
            }

            foreach (var word in _substrings)
            {
                if (text.IndexOf(word, span.Start, span.Length, StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }

            foreach (var word in _wholeWords)
            {
                if (NextWholeWord(text, word, span.Start, span.End) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Every position in the text where a word starts, in no particular order.</summary>
        internal IEnumerable<int> Positions(string text)
        {
            foreach (var word in _substrings)
            {
                for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
                {
                    yield return at;
                }
            }

            foreach (var word in _wholeWords)
            {
                for (var at = NextWholeWord(text, word, 0, text.Length); at >= 0; at = NextWholeWord(text, word, at + word.Length, text.Length))
                {
                    yield return at;
                }
            }
        }

        private static int NextWholeWord(string text, string word, int start, int end)
        {
            while (start < end)
            {
                var at = text.IndexOf(word, start, end - start, StringComparison.Ordinal);
                if (at < 0 || at + word.Length > end)
                {
                    return -1;
                }

                var before = at == 0 || !SyntaxFacts.IsIdentifierPartCharacter(text[at - 1]);
                var after = at + word.Length >= text.Length || !SyntaxFacts.IsIdentifierPartCharacter(text[at + word.Length]);
                if (before && after)
                {
                    return at;
                }

                start = at + word.Length;
            }

            return -1;
        }

        /// <summary>Names of using aliases (file-local or global, in any tree) whose target spells a word.</summary>
        private static IEnumerable<string> AliasesOf(Compilation compilation, string[] words, CancellationToken cancellationToken)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (!(tree.GetRoot(cancellationToken) is CompilationUnitSyntax root))
                {
                    continue;
                }

                foreach (var alias in Aliases(root.Usings, root.Members, words))
                {
                    yield return alias;
                }
            }
        }

        private static IEnumerable<string> Aliases(SyntaxList<UsingDirectiveSyntax> usings, SyntaxList<MemberDeclarationSyntax> members, string[] words)
        {
            foreach (var directive in usings)
            {
                if (directive.Alias != null && words.Any(w => directive.ToString().IndexOf(w, StringComparison.Ordinal) >= 0))
                {
                    yield return directive.Alias.Name.Identifier.ValueText;
                }
            }

            foreach (var member in members)
            {
                if (member is BaseNamespaceDeclarationSyntax ns)
                {
                    foreach (var alias in Aliases(ns.Usings, ns.Members, words))
                    {
                        yield return alias;
                    }
                }
            }
        }
    }
}
