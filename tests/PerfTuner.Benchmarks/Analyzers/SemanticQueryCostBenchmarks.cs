using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// What one kind of semantic question costs an analyzer inside a compile: the yardstick for how a rule may ask. Each
/// case attaches one probe analyzer to the corpus the way csc does (<c>GetAllDiagnosticsAsync</c>: the compiler binds
/// while the driver runs the callbacks) and asks one kind of question in a semantic-model action, for every member
/// of every file. The compiler hands the driver the method bodies it has already bound, so a question about a method
/// body does not bind it again; what it costs is what the answer needs built. Field initializers are not handed over
/// and are bound (with nullable analysis) again. Reported per case: CPU per compile (compare with the empty case) and
/// the median time inside the probe's callbacks, the less noisy of the two.
/// </summary>
[Config(typeof(AnalyzerCostConfig))]
public class SemanticQueryCostBenchmarks
{
    private readonly List<double> _callbackMs = new();
    private CSharpCompilation _compilation = null!;
    private QueryProbe _probe = null!;

    public static IEnumerable<string> Queries => QueryProbe.Kinds;

    [ParamsSource(nameof(Queries))]
    public string Query { get; set; } = QueryProbe.None;

    [GlobalSetup]
    public void Setup()
    {
        _compilation = CorpusCache.WithQdrant.Compilation;
        _probe = new QueryProbe(Query);
    }

    [Benchmark(Description = "Bind + one probe analyzer")]
    public async Task<int> Compile()
    {
        using var _ = CpuTime.Measure(KeyOf(Query));
        _probe.Reset();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var diagnostics = await _compilation.Clone()
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(_probe), options)
            .GetAllDiagnosticsAsync()
            .ConfigureAwait(false);
        _callbackMs.Add(_probe.CallbackMs);
        return diagnostics.Length;
    }

    [GlobalCleanup]
    public void Report()
    {
        var sorted = _callbackMs.OrderBy(x => x).ToArray();
        var median = sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// semantic query '{Query}': {_probe.Answers:N0} answers per compile, median {median:N0} ms inside the callbacks ({sorted.Length} compiles)"));
    }

    internal static string KeyOf(string query) => "query|" + query;
}

/// <summary>The probe: a semantic-model action that asks one kind of question about every member of its tree.</summary>
#pragma warning disable RS1036, RS1041, RS2008 // a benchmark probe, not a shipped analyzer
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class QueryProbe(string kind) : DiagnosticAnalyzer
{
    // Short enough for BenchmarkDotNet's table (it cuts parameter values at 20 characters).
    internal const string None = "none";                                            // driver attached, nothing asked
    internal const string OperationOfEveryBody = "op:every-body";                   // GetOperation of every method body
    internal const string OperationOfOneInvocation = "op:first-invocation";         // GetOperation of one invocation per body
    internal const string SymbolOfEveryInvocation = "symbol:every-call";            // GetSymbolInfo of every invocation in bodies
    internal const string OperationOfEveryFieldInitializer = "op:every-field-init"; // GetOperation of every field initializer

    private static readonly DiagnosticDescriptor Descriptor = new("PROBE0001", "Probe", "Probe", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true);
    private long _answers;
    private long _ticks;

    internal static IEnumerable<string> Kinds =>
        new[] { None, OperationOfEveryBody, OperationOfOneInvocation, SymbolOfEveryInvocation, OperationOfEveryFieldInitializer };

    internal long Answers => Interlocked.Read(ref _answers);

    internal double CallbackMs => Interlocked.Read(ref _ticks) * 1000.0 / Stopwatch.Frequency;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

    internal void Reset()
    {
        Interlocked.Exchange(ref _answers, 0);
        Interlocked.Exchange(ref _ticks, 0);
    }

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        if (kind != None)
        {
            context.RegisterSemanticModelAction(Ask);
        }
    }

    private void Ask(SemanticModelAnalysisContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var model = context.SemanticModel;
        var ct = context.CancellationToken;
        long answers = 0;
        foreach (var node in model.SyntaxTree.GetRoot(ct).DescendantNodes())
        {
            switch (node)
            {
                case BaseMethodDeclarationSyntax method when ((SyntaxNode?)method.Body ?? method.ExpressionBody) is { } body:
                    answers += AskAboutBody(model, body, ct);
                    break;
                case VariableDeclaratorSyntax { Initializer: { } initializer, Parent.Parent: FieldDeclarationSyntax } when kind == OperationOfEveryFieldInitializer:
                    answers += model.GetOperation(initializer, ct) is null ? 0 : 1;
                    break;
            }
        }

        Interlocked.Add(ref _answers, answers);
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
    }

    private long AskAboutBody(SemanticModel model, SyntaxNode body, CancellationToken ct)
    {
        switch (kind)
        {
            case OperationOfEveryBody:
                return model.GetOperation(body, ct) is null ? 0 : 1;
            case OperationOfOneInvocation:
                var first = body.DescendantNodes().OfType<InvocationExpressionSyntax>().FirstOrDefault();
                return first != null && model.GetOperation(first, ct) != null ? 1 : 0;
            case SymbolOfEveryInvocation:
                long answers = 0;
                foreach (var invocation in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
                {
                    answers += model.GetSymbolInfo(invocation, ct).Symbol is null ? 0 : 1;
                }

                return answers;
            default:
                return 0;
        }
    }
}
#pragma warning restore RS1036, RS1041, RS2008
