using System;
using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// The analyzer driver's "is this diagnostic in generated code" filter, done by the rule itself (used by every PT rule,
    /// each of which configures <see cref="Microsoft.CodeAnalysis.Diagnostics.GeneratedCodeAnalysisFlags.ReportDiagnostics"/>
    /// without <c>Analyze</c>: generated code is still never analysed, but the driver no longer filters our reports).
    /// Why: for an analyzer that does not report in generated code, the driver checks every reported diagnostic by scanning
    /// ALL tokens of its syntax tree for a <c>GeneratedCode</c> identifier, once per tree, and bills that scan to whichever
    /// analyzer reports first in the tree — on the cost corpus this scan was ~80% of PT0004's execution time.
    /// Same answers as the driver (Roslyn's AnalyzerDriver.IsInGeneratedCode) for a location inside the member being
    /// analysed (the only kind these rules report):
    /// <list type="bullet">
    /// <item>a generated tree (file name, <c>&lt;auto-generated&gt;</c> header, <c>generated_code</c> option) is never
    /// analysed, so it never reaches here;</item>
    /// <item>a location in a <c>#line hidden</c> region is filtered, as the driver does;</item>
    /// <item>a location whose enclosing member, property/indexer/event or type carries <c>[GeneratedCode]</c> (by the
    /// driver's own rule: the attribute on the symbol or a containing symbol, partial symbols excluded) is filtered —
    /// but, as in the driver, only when some token of the tree spells <c>GeneratedCode</c>/<c>GeneratedCodeAttribute</c>
    /// (that scan now runs only in the rare case the symbol test says yes).</item>
    /// </list>
    /// </summary>
    internal sealed class GeneratedCodeReportFilter
    {
        private readonly INamedTypeSymbol? _generatedCodeAttribute;
        private readonly ConcurrentDictionary<SyntaxTree, bool> _treeSpellsGeneratedCode = new ConcurrentDictionary<SyntaxTree, bool>();

        internal GeneratedCodeReportFilter(Compilation compilation)
        {
            _generatedCodeAttribute = compilation.GetTypeByMetadataName("System.CodeDom.Compiler.GeneratedCodeAttribute");
        }

        /// <summary>True when the driver would have dropped a diagnostic at <paramref name="location"/>, reported while analysing <paramref name="member"/>.</summary>
        internal bool IsSuppressed(Location location, ISymbol member)
        {
            var tree = location.SourceTree;
            if (tree == null || !location.IsInSource)
            {
                return false;
            }

            if (tree.HasHiddenRegions() && tree.GetLineVisibility(location.SourceSpan.Start) == LineVisibility.Hidden)
            {
                return true;
            }

            return _generatedCodeAttribute != null
                && EnclosingDeclarationIsGenerated(member)
                && _treeSpellsGeneratedCode.GetOrAdd(tree, SpellsGeneratedCode);
        }

        /// <summary>
        /// The driver's rule for a location in <paramref name="member"/>'s body: [GeneratedCode] on the member, its
        /// property/event, or any containing type. One walk up the containers; a partial symbol (declared more than
        /// once) never counts itself, but does not hide an attribute on a type further out.
        /// </summary>
        private bool EnclosingDeclarationIsGenerated(ISymbol member)
        {
            if (member is IMethodSymbol method && method.AssociatedSymbol != null && HasOwnGeneratedCodeAttribute(method.AssociatedSymbol))
            {
                return true;
            }

            for (ISymbol? symbol = member; symbol != null && symbol.Kind != SymbolKind.Namespace; symbol = symbol.ContainingSymbol)
            {
                if (HasOwnGeneratedCodeAttribute(symbol))
                {
                    return true;
                }
            }

            return false;
        }

        private bool HasOwnGeneratedCodeAttribute(ISymbol symbol)
        {
            if (symbol.DeclaringSyntaxReferences.Length > 1)
            {
                return false;
            }

            foreach (var attribute in symbol.GetAttributes())
            {
                if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _generatedCodeAttribute))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool SpellsGeneratedCode(SyntaxTree tree)
        {
            foreach (var token in tree.GetRoot().DescendantTokens())
            {
                var text = token.ValueText;
                if (string.Equals(text, "GeneratedCode", StringComparison.Ordinal) || string.Equals(text, "GeneratedCodeAttribute", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
