using System.Collections.Concurrent;
using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// What a compile pays for analyzers, measured the way the compiler runs them. csc (Roslyn's CommonCompiler) attaches
/// the analyzer driver to the compilation it is building (an event queue on that compilation); while the compiler
/// binds declarations and method bodies it raises compilation events, and the driver consumes them concurrently,
/// building its own semantic models/IOperation trees for the analyzers' callbacks. The public API that does exactly
/// that is <c>CompilationWithAnalyzers.GetAllDiagnosticsAsync</c>: it attaches a driver to the compilation's event
/// queue, runs the compiler's <c>GetDiagnostics()</c> (which raises the events) and awaits the driver — the same
/// structure, except that the compiler half stops after binding instead of going on to lower and emit IL.
///
/// So every arm below is "compiler binding + the given analyzers attached", with the analyzer-free binding
/// (<see cref="NoAnalyzers"/>) as the baseline; the analyzers' added cost (arm − baseline, or CA+PT − CA) is then put
/// against the analyzer-free full compile (<see cref="EmitNoAnalyzers"/>: bind + lower + emit) — see
/// <see cref="AddedCostColumn"/>. All arms run in ONE BenchmarkDotNet run over the same compilation.
/// </summary>
[Config(typeof(AnalyzerCostConfig))]
public class BuildCostBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private ImmutableArray<DiagnosticAnalyzer> _empty;
    private ImmutableArray<DiagnosticAnalyzer> _emptyOperation;
    private ImmutableArray<DiagnosticAnalyzer> _perfTuner;
    private ImmutableArray<DiagnosticAnalyzer> _perfTunerReportsDropped;
    private ImmutableArray<DiagnosticAnalyzer> _sdkCa;
    private ImmutableArray<DiagnosticAnalyzer> _sdkCaAndPerfTuner;
    private readonly ConcurrentQueue<string> _failures = new();

    [GlobalSetup]
    public void Setup()
    {
        // The rule severities every net10.0 build passes to csc (the SDK's analysis-level globalconfig), as csc applies them.
        var corpus = CorpusCache.WithQdrant.Compilation;
        _compilation = corpus.WithOptions(corpus.Options.WithSpecificDiagnosticOptions(AnalyzerCatalog.SdkGlobalConfigSeverities()));
        _empty = AnalyzerCatalog.Resolve(AnalyzerCatalog.Empty);
        _emptyOperation = ImmutableArray.Create<DiagnosticAnalyzer>(new AnalyzerCatalog.EmptyAnalyzer(operationFloor: true));
        _perfTuner = AnalyzerCatalog.PerfTuner().ToImmutableArray();
        _perfTunerReportsDropped = _perfTuner.Select(rule => (DiagnosticAnalyzer)new ReportsDroppedAnalyzer(rule)).ToImmutableArray();
        _sdkCa = AnalyzerCatalog.SdkRunByBuild().ToImmutableArray();
        _sdkCaAndPerfTuner = _sdkCa.AddRange(_perfTuner);
        Console.WriteLine($"// build cost: {_perfTuner.Length} PerfTuner analyzers, {_sdkCa.Length} SDK CA analyzers that a default build runs (of {AnalyzerCatalog.SdkEnabledByDefault().Count} with a rule enabled by default)");
    }

    /// <summary>The compiler's binding alone (declarations + every method body, all compiler diagnostics).</summary>
    [Benchmark(Baseline = true, Description = "Bind, no analyzers")]
    public int NoAnalyzers()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.NoAnalyzers);
        return Bind();
    }

    /// <summary>The analyzer-free full compile: bind, lower, emit IL to memory — what a build without analyzers pays.</summary>
    [Benchmark(Description = "Emit, no analyzers")]
    public long EmitNoAnalyzers()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.Emit);
        return Emit();
    }

    [Benchmark(Description = "Bind + empty analyzer")]
    public async Task<int> EmptyAnalyzer()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.Empty);
        return await BindWithAsync(_empty).ConfigureAwait(false);
    }

    [Benchmark(Description = "Bind + empty operation analyzer")]
    public async Task<int> EmptyOperationAnalyzer()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.EmptyOperation);
        return await BindWithAsync(_emptyOperation).ConfigureAwait(false);
    }

    [Benchmark(Description = "Bind + PerfTuner")]
    public async Task<int> PerfTuner()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.PerfTuner);
        return await BindWithAsync(_perfTuner).ConfigureAwait(false);
    }

    /// <summary>The same rules with every diagnostic dropped as reported: their analysis without the build's price per diagnostic.</summary>
    [Benchmark(Description = "Bind + PerfTuner, reports dropped")]
    public async Task<int> PerfTunerReportsDropped()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.PerfTunerReportsDropped);
        return await BindWithAsync(_perfTunerReportsDropped).ConfigureAwait(false);
    }

    [Benchmark(Description = "Bind + SDK CA")]
    public async Task<int> SdkCa()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.SdkCa);
        return await BindWithAsync(_sdkCa).ConfigureAwait(false);
    }

    [Benchmark(Description = "Bind + SDK CA + PerfTuner")]
    public async Task<int> SdkCaAndPerfTuner()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.SdkCaAndPerfTuner);
        return await BindWithAsync(_sdkCaAndPerfTuner).ConfigureAwait(false);
    }

    /// <summary>The eight arms without measurement, by workload method name (for <see cref="BuildCostInterleavedBenchmarks"/>).</summary>
    internal IReadOnlyList<(string Arm, Func<Task<long>> Run)> Arms() => new (string, Func<Task<long>>)[]
    {
        (nameof(NoAnalyzers), () => Task.FromResult((long)Bind())),
        (nameof(EmitNoAnalyzers), () => Task.FromResult(Emit())),
        (nameof(EmptyAnalyzer), async () => await BindWithAsync(_empty).ConfigureAwait(false)),
        (nameof(EmptyOperationAnalyzer), async () => await BindWithAsync(_emptyOperation).ConfigureAwait(false)),
        (nameof(PerfTuner), async () => await BindWithAsync(_perfTuner).ConfigureAwait(false)),
        (nameof(PerfTunerReportsDropped), async () => await BindWithAsync(_perfTunerReportsDropped).ConfigureAwait(false)),
        (nameof(SdkCa), async () => await BindWithAsync(_sdkCa).ConfigureAwait(false)),
        (nameof(SdkCaAndPerfTuner), async () => await BindWithAsync(_sdkCaAndPerfTuner).ConfigureAwait(false)),
    };

    private int Bind() => _compilation.Clone().GetDiagnostics().Length;

    private long Emit()
    {
        using var pe = new MemoryStream();
        var result = _compilation.Clone().Emit(pe);
        return result.Success ? pe.Length : throw new InvalidOperationException("corpus failed to emit");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (!_failures.IsEmpty)
        {
            throw new InvalidOperationException("an analyzer threw on the corpus: " + string.Join("; ", _failures.Take(3)));
        }
    }

    private async Task<int> BindWithAsync(ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        // csc's defaults: concurrent analysis when the compilation is concurrent, no execution-time logging
        // (ReportAnalyzer is off in an ordinary build), no suppressed diagnostics.
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (e, analyzer, _) => _failures.Enqueue(analyzer.GetType().Name + ": " + e.Message),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var diagnostics = await _compilation.WithAnalyzers(analyzers, options).GetAllDiagnosticsAsync().ConfigureAwait(false);
        return diagnostics.Length;
    }
}

/// <summary>CPU-sample keys of <see cref="BuildCostBenchmarks"/>, by workload method name.</summary>
internal static class BuildCostKeys
{
    internal const string NoAnalyzers = "build|" + nameof(BuildCostBenchmarks.NoAnalyzers);
    internal const string Emit = "build|" + nameof(BuildCostBenchmarks.EmitNoAnalyzers);
    internal const string Empty = "build|" + nameof(BuildCostBenchmarks.EmptyAnalyzer);
    internal const string EmptyOperation = "build|" + nameof(BuildCostBenchmarks.EmptyOperationAnalyzer);
    internal const string PerfTuner = "build|" + nameof(BuildCostBenchmarks.PerfTuner);
    internal const string PerfTunerReportsDropped = "build|" + nameof(BuildCostBenchmarks.PerfTunerReportsDropped);
    internal const string SdkCa = "build|" + nameof(BuildCostBenchmarks.SdkCa);
    internal const string SdkCaAndPerfTuner = "build|" + nameof(BuildCostBenchmarks.SdkCaAndPerfTuner);

    internal const string Interleaved = "build|interleaved";

    internal static string For(string workloadMethod) => "build|" + workloadMethod;

    /// <summary>
    /// The arm an arm's added cost is measured against: CA+PT against CA (PerfTuner on top of a default SDK build),
    /// every other analyzer arm against the analyzer-free binding; null for the two compiler-only arms.
    /// </summary>
    internal static string? ReferenceOf(string workloadMethod) => workloadMethod switch
    {
        nameof(BuildCostBenchmarks.SdkCaAndPerfTuner) => nameof(BuildCostBenchmarks.SdkCa),
        nameof(BuildCostBenchmarks.NoAnalyzers) or nameof(BuildCostBenchmarks.EmitNoAnalyzers) => null,
        _ => nameof(BuildCostBenchmarks.NoAnalyzers),
    };
}

/// <summary>
/// The budget figure of a <see cref="BuildCostBenchmarks"/> arm: its added cost over its reference arm
/// (<see cref="BuildCostKeys.ReferenceOf"/>), in ms and as a percentage of the compile the reference build pays —
/// the analyzer-free Emit, plus the SDK CA analyzers' own added cost when the reference is the CA arm. Medians of the
/// same run; CPU from <see cref="CpuTime"/>, wall from BenchmarkDotNet's statistics.
/// </summary>
public sealed class AddedCostColumn : IColumn
{
    private readonly bool _cpu;
    private readonly bool _percent;

    public AddedCostColumn(bool cpu, bool percent)
    {
        _cpu = cpu;
        _percent = percent;
    }

    public string Id => nameof(AddedCostColumn) + _cpu + _percent;

    public string ColumnName => (_cpu ? "Added CPU" : "Added wall") + (_percent ? " % of compile" : " ms");

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _cpu ? 1 : 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _percent
        ? $"Added {(_cpu ? "CPU" : "wall")} time over the reference arm (CA for CA+PT, else no analyzers) as % of the reference build's compile (Emit + the reference's analyzer cost)"
        : $"Added {(_cpu ? "CPU" : "wall")} ms over the reference arm (CA for CA+PT, else no analyzers)";

    public bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(c => c.Descriptor.Type == typeof(BuildCostBenchmarks));

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (benchmarkCase.Descriptor.Type != typeof(BuildCostBenchmarks))
        {
            return "-";
        }

        var method = benchmarkCase.Descriptor.WorkloadMethod.Name;
        var reference = BuildCostKeys.ReferenceOf(method);
        var arm = Median(summary, method);
        var referenceArm = reference == null ? null : Median(summary, reference);
        var bind = Median(summary, nameof(BuildCostBenchmarks.NoAnalyzers));
        var emit = Median(summary, nameof(BuildCostBenchmarks.EmitNoAnalyzers));
        if (reference == null || arm is null || referenceArm is null || bind is null || emit is null)
        {
            return "-";
        }

        var added = arm.Value - referenceArm.Value;
        var compile = emit.Value + (referenceArm.Value - bind.Value);
        var value = _percent ? 100 * added / compile : added;
        return value.ToString(_percent ? "N1" : "N0", System.Globalization.CultureInfo.InvariantCulture) + (_percent ? " %" : string.Empty);
    }

    /// <summary>Median of one arm in ms: CPU samples, or BenchmarkDotNet's wall-time median.</summary>
    private double? Median(Summary summary, string method)
    {
        if (_cpu)
        {
            return CpuTime.MedianMs(BuildCostKeys.For(method));
        }

        var report = summary.Reports.FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.Type == typeof(BuildCostBenchmarks) && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method);
        return report?.ResultStatistics?.Median / 1_000_000.0;
    }
}
