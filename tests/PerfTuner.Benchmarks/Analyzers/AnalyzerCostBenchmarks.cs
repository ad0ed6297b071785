using System.Collections.Concurrent;
using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// Analyzer cost in the manner of the dotnet/roslyn-analyzers performance tests: one
/// <c>CompilationWithAnalyzers.GetAnalyzerDiagnosticsAsync</c> over the whole corpus per operation, for each analyzer
/// alone, for all PerfTuner analyzers together, against an empty analyzer (the driver's fixed cost) and a sample of
/// the SDK's CA analyzers measured the same way. A rule's cost is its time minus the empty baseline's.
/// </summary>
[Config(typeof(AnalyzerCostConfig))]
public class AnalyzerCostBenchmarks
{
    /// <summary>PERFTUNER_ANALYZER_COST_QUICK=1: only the empty baseline and all PerfTuner rules (the telemetry run gives per-rule figures).</summary>
    public static IEnumerable<string> Analyzers() =>
        AnalyzerCostConfig.Quick ? new[] { AnalyzerCatalog.Empty, AnalyzerCatalog.AllPerfTuner } : AnalyzerCatalog.Names(includeSdkSample: true);

    [ParamsSource(nameof(Analyzers))]
    public string Analyzer { get; set; } = AnalyzerCatalog.Empty;

    private AnalyzerRun _run = null!;

    [GlobalSetup]
    public void Setup() => _run = AnalyzerRun.Create(CorpusCache.WithQdrant, Analyzer);

    [Benchmark(Description = "GetAnalyzerDiagnostics (corpus with Qdrant.Client)")]
    public Task<int> WithQdrant() => _run.RunAsync();
}

/// <summary>
/// All PerfTuner rules against the empty baseline over a compilation that does not reference Qdrant.Client or Grpc
/// at all (per rule: PERFTUNER_ANALYZER_COST_PER_RULE=1).
/// </summary>
[Config(typeof(AnalyzerCostConfig))]
public class AnalyzerCostWithoutQdrantBenchmarks
{
    public static IEnumerable<string> Analyzers() =>
        Environment.GetEnvironmentVariable("PERFTUNER_ANALYZER_COST_PER_RULE") == "1"
            ? AnalyzerCatalog.Names(includeSdkSample: false)
            : new[] { AnalyzerCatalog.Empty, AnalyzerCatalog.AllPerfTuner };

    [ParamsSource(nameof(Analyzers))]
    public string Analyzer { get; set; } = AnalyzerCatalog.Empty;

    private AnalyzerRun _run = null!;

    [GlobalSetup]
    public void Setup() => _run = AnalyzerRun.Create(CorpusCache.WithoutQdrant, Analyzer);

    [Benchmark(Description = "GetAnalyzerDiagnostics (corpus without Qdrant.Client)")]
    public Task<int> WithoutQdrant() => _run.RunAsync();
}

/// <summary>The analyzer-free compile of the same corpus (parsing excluded: trees are shared), to express analyzer cost in %.</summary>
[Config(typeof(AnalyzerCostConfig))]
public class CorpusCompileBenchmarks
{
    public static IEnumerable<bool> Corpora() => AnalyzerCostConfig.Quick ? new[] { true } : new[] { true, false };

    [ParamsSource(nameof(Corpora))]
    public bool WithQdrant { get; set; }

    private CSharpCompilation _compilation = null!;

    [GlobalSetup]
    public void Setup() => _compilation = (WithQdrant ? CorpusCache.WithQdrant : CorpusCache.WithoutQdrant).Compilation;

    /// <summary>Declarations and every method body bound, all compiler diagnostics: what an analyzer-free build does before emit.</summary>
    [Benchmark]
    public int GetDiagnostics()
    {
        using var _ = CpuTime.Measure(CpuTime.CompileKey(nameof(GetDiagnostics), WithQdrant));
        return _compilation.Clone().GetDiagnostics().Length;
    }

    /// <summary>The full compile: bind, lower and emit the assembly (to memory).</summary>
    [Benchmark]
    public long Emit()
    {
        using var _ = CpuTime.Measure(CpuTime.CompileKey(nameof(Emit), WithQdrant));
        using var pe = new MemoryStream();
        var result = _compilation.Clone().Emit(pe);
        return result.Success ? pe.Length : throw new InvalidOperationException("corpus failed to emit");
    }
}

/// <summary>
/// Few, long operations: each is a whole-corpus analysis or compile of seconds, so one per iteration. Iterations
/// default to 5 (PERFTUNER_ANALYZER_COST_ITERATIONS overrides, e.g. 2 on a loaded machine). Besides wall time, the
/// "CPU ms" column reports the process CPU time per operation, which a shared, overloaded machine distorts far less.
/// </summary>
public sealed class AnalyzerCostConfig : ManualConfig
{
    /// <summary>PERFTUNER_ANALYZER_COST_QUICK=1 trims the case list for a loaded machine (documented with the results).</summary>
    internal static bool Quick => Environment.GetEnvironmentVariable("PERFTUNER_ANALYZER_COST_QUICK") == "1";

    public AnalyzerCostConfig()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("PERFTUNER_ANALYZER_COST_ITERATIONS"), out var n) && n > 0 ? n : 5;
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(iterations > 2 ? 1 : 0)
            .WithIterationCount(iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(2), logOutput: true))
            .WithId("AnalyzerCost"));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, new CpuTimeColumn());
        AddColumn(new AddedCostColumn(cpu: true, percent: false), new AddedCostColumn(cpu: true, percent: true), new AddedCostColumn(cpu: false, percent: true));
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}

/// <summary>The two corpora, generated and checked once per process.</summary>
internal static class CorpusCache
{
    /// <summary>
    /// Environment variable: N puts the rule shapes in every N-th corpus file only (see <see cref="AnalyzerCorpus.Create"/>);
    /// unset or 1 is the dense corpus.
    /// </summary>
    internal const string ShapeEveryVariable = "PERFTUNER_ANALYZER_CORPUS_SHAPE_EVERY";

    private static readonly Lazy<AnalyzerCorpus> WithQdrantLazy = new(() => Announce(AnalyzerCorpus.Create(withQdrant: true, ShapeEvery)));
    private static readonly Lazy<AnalyzerCorpus> WithoutQdrantLazy = new(() => Announce(AnalyzerCorpus.Create(withQdrant: false, ShapeEvery)));

    internal static int ShapeEvery { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(ShapeEveryVariable), out var every) && every > 1 ? every : 1;

    internal static AnalyzerCorpus WithQdrant => WithQdrantLazy.Value;

    internal static AnalyzerCorpus WithoutQdrant => WithoutQdrantLazy.Value;

    private static AnalyzerCorpus Announce(AnalyzerCorpus corpus)
    {
        var density = ShapeEvery == 1 ? "rule shapes in every file" : $"rule shapes in every {ShapeEvery}th file ({ShapeEveryVariable})";
        Console.WriteLine($"// corpus {corpus.Compilation.AssemblyName}: {corpus.Lines:N0} lines in {corpus.Files} files, {density}, {corpus.Compilation.References.Count()} references");
        return corpus;
    }
}

/// <summary>One analyzer set over one corpus; the first run (in setup) checks it and logs what it found.</summary>
internal sealed class AnalyzerRun
{
    private readonly CSharpCompilation _compilation;
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly CompilationWithAnalyzersOptions _options;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly string _key;

    private AnalyzerRun(CSharpCompilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers, string key)
    {
        _key = key;
        _compilation = compilation;
        _analyzers = analyzers;
        _options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (e, analyzer, _) => _failures.Enqueue(analyzer.GetType().Name + ": " + e.Message),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
    }

    internal static AnalyzerRun Create(AnalyzerCorpus corpus, string name)
    {
        var run = new AnalyzerRun(corpus.Compilation, AnalyzerCatalog.Resolve(name), CpuTime.AnalyzerKey(corpus.Compilation.AssemblyName!, name));
        var diagnostics = run._compilation.WithAnalyzers(run._analyzers, run._options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        if (!run._failures.IsEmpty)
        {
            throw new InvalidOperationException($"{name} threw on the corpus: {string.Join("; ", run._failures.Take(3))}");
        }

        var counts = diagnostics.GroupBy(d => d.Id).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}");
        Console.WriteLine($"// {name} on {corpus.Compilation.AssemblyName} ({corpus.Lines:N0} lines): {string.Join(", ", counts.DefaultIfEmpty("no diagnostics"))}");
        return run;
    }

    internal async Task<int> RunAsync()
    {
        using var _ = CpuTime.Measure(_key);
        var diagnostics = await _compilation.WithAnalyzers(_analyzers, _options).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        return diagnostics.Length;
    }
}
