using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// The least a rule built the way PerfTuner's are must pay on a corpus: find its candidates as the rule does (a text
/// search of each file for the names the rule gates on, taken where they are whole identifiers in a call or creation;
/// for PT0001 the field declarations of each type), then ask one semantic question per candidate — the symbol
/// of the call, creation or field — and nothing else: no flow, loop, finally or escape analysis, no report. A rule
/// that matched names alone would flag a user's own <c>WaitAsync</c> or <c>UpsertAsync</c>; one symbol per candidate
/// is the least it can ask. Run beside the real rules in the telemetry benchmark, each probe shows the floor under
/// its rule's figure.
/// </summary>
#pragma warning disable RS1036, RS1041, RS2008 // a benchmark probe, not a shipped analyzer
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PrecisionFloorProbe : DiagnosticAnalyzer
{
    internal const string NamePrefix = "Floor ";

    private readonly string[] _words;
    private readonly bool _fields;
    private long _answers;

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

    /// <summary>Semantic questions asked, over every driver run so far.</summary>
    internal long Answers => Interlocked.Read(ref _answers);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    /// <summary>One probe per rule, with that rule's trigger words (see each rule's SourceWords).</summary>
    internal static IReadOnlyList<PrecisionFloorProbe> All { get; } = new[]
    {
        // PT0001: every field whose declared type is named like a keyed collection; the rule then also follows every insert.
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
        if (_fields)
        {
            AskAboutFields(context);
            return;
        }

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
                    _ = model.GetSymbolInfo(node, ct).Symbol;
                }
            }
        }
    }

    /// <summary>
    /// PT0001 finds its candidates the way the rule does, from the declarations of types and their fields (no text
    /// search): the symbol of every field whose declared type is named like a keyed collection or MemoryCache.
    /// </summary>
    private void AskAboutFields(SemanticModelAnalysisContext context)
    {
        var model = context.SemanticModel;
        var ct = context.CancellationToken;
        var root = model.SyntaxTree.GetRoot(ct);
        foreach (var node in root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax))
        {
            if (node is FieldDeclarationSyntax field
                && TypeName(field.Declaration.Type) is { } name
                && Array.IndexOf(_words, name) >= 0
                && field.Declaration.Variables.FirstOrDefault() is { } variable)
            {
                Interlocked.Increment(ref _answers);
                _ = model.GetDeclaredSymbol(variable, ct);
            }
        }
    }

    private static string? TypeName(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
        NullableTypeSyntax nullable => TypeName(nullable.ElementType),
        _ => null,
    };

    /// <summary>The node whose symbol decides the candidate: the call or creation the name is part of.</summary>
    private static SyntaxNode? Candidate(SyntaxToken token)
    {
        for (var node = token.Parent; node != null; node = node.Parent)
        {
            switch (node)
            {
                case InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax:
                    return node;
                case StatementSyntax or MemberDeclarationSyntax:
                    return null; // a name in a declaration or a bare reference: no call to check
            }
        }

        return null;
    }
}
#pragma warning restore RS1036, RS1041, RS2008
