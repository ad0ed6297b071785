using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// A lower bound on what a rule that does not cry wolf must pay on a corpus: for every place the rule's trigger names
/// appear in the source as whole identifiers (the names each rule already gates on), one semantic question — the symbol of the call or
/// creation, or of the field — and nothing else: no flow, loop, finally or escape analysis, no report. A rule that
/// matched names alone would flag a user's own <c>WaitAsync</c> or <c>UpsertAsync</c>; one symbol per candidate is
/// the least it can ask. Run beside the real rules in the telemetry benchmark, each probe shows the floor under its
/// rule's figure.
/// </summary>
#pragma warning disable RS1036, RS1041, RS2008 // a benchmark probe, not a shipped analyzer
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PrecisionFloorProbe : DiagnosticAnalyzer
{
    internal const string NamePrefix = "Floor ";

    private readonly string[] _words;
    private readonly bool _fields;

    private PrecisionFloorProbe(string rule, bool fields, params string[] words)
    {
        Rule = rule;
        _fields = fields;
        _words = words;
        // Probe ids keep the driver's telemetry keyed apart from the real rules'.
        SupportedDiagnostics = ImmutableArray.Create(new DiagnosticDescriptor(
            "FLOOR" + rule.Substring(2), "Floor probe", "Floor probe", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true));
    }

    internal string Rule { get; }

    private long _answers;

    /// <summary>Semantic questions asked, over every driver run so far.</summary>
    internal long Answers => Interlocked.Read(ref _answers);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    /// <summary>One probe per rule, with that rule's trigger words (see each rule's SourceWords).</summary>
    internal static IReadOnlyList<PrecisionFloorProbe> All { get; } = new[]
    {
        // PT0001: every field whose declared type names a keyed collection; the rule then also follows every insert.
        new PrecisionFloorProbe("PT0001", fields: true, "Dictionary", "ConcurrentDictionary", "SortedDictionary", "HashSet", "SortedSet", "SortedList", "Hashtable", "MemoryCache"),
        new PrecisionFloorProbe("PT0002", fields: false, "Upsert", "UpsertAsync"),
        new PrecisionFloorProbe("PT0003", fields: false, "WhenAll", "WaitAll", "Run", "StartNew", "For", "ForEach"),
        new PrecisionFloorProbe("PT0004", fields: false, "QdrantClient", "QdrantGrpcClient", "GrpcChannel", "HttpClient"),
        new PrecisionFloorProbe("PT0005", fields: false, "Wait", "WaitAsync", "WaitOne", "Release"),
    };

    internal static string NameOf(DiagnosticAnalyzer analyzer) =>
        analyzer is PrecisionFloorProbe probe ? NamePrefix + probe.Rule : throw new ArgumentException("not a floor probe", nameof(analyzer));

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSemanticModelAction(Ask);
    }

    private void Ask(SemanticModelAnalysisContext context)
    {
        var model = context.SemanticModel;
        var ct = context.CancellationToken;
        var root = model.SyntaxTree.GetRoot(ct);
        var text = model.SyntaxTree.GetText(ct).ToString();
        var asked = new HashSet<SyntaxNode>();
        foreach (var word in _words)
        {
            for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
            {
                var token = root.FindToken(at);
                if (!token.IsKind(SyntaxKind.IdentifierToken) || token.SpanStart != at || token.Text.Length != word.Length)
                {
                    continue; // part of a longer identifier, a comment or a string: the name itself, exactly, only
                }

                if (Candidate(token) is { } node && asked.Add(node))
                {
                    Interlocked.Increment(ref _answers);
                    _ = node is VariableDeclaratorSyntax declarator
                        ? model.GetDeclaredSymbol(declarator, ct)
                        : model.GetSymbolInfo(node, ct).Symbol;
                }
            }
        }
    }

    /// <summary>The node whose symbol decides the candidate: the call or creation the name is part of, or the field.</summary>
    private SyntaxNode? Candidate(SyntaxToken token)
    {
        for (var node = token.Parent; node != null; node = node.Parent)
        {
            switch (node)
            {
                case FieldDeclarationSyntax field when _fields:
                    return field.Declaration.Variables.FirstOrDefault();
                case InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax when !_fields:
                    return node;
                case StatementSyntax or MemberDeclarationSyntax:
                    return null; // a name in a declaration or a bare reference: no call to check
            }
        }

        return null;
    }
}
#pragma warning restore RS1036, RS1041, RS2008
