using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// Every PerfTuner analyzer and every enabled-by-default C# CA analyzer of the installed SDK in ONE analyzer-driver
/// run over the corpus, with the driver's own per-analyzer execution-time telemetry (what
/// <c>dotnet build -p:ReportAnalyzer=true</c> reports). All analyzers share the same run and the same machine load,
/// so each PerfTuner rule can be compared with the median CA analyzer directly. The per-analyzer table is printed
/// at the end (medians over the iterations).
/// </summary>
[Config(typeof(AnalyzerCostConfig))]
public class AnalyzerTelemetryBenchmarks
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> _executionMs = new(StringComparer.Ordinal);
    private ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private Microsoft.CodeAnalysis.CSharp.CSharpCompilation _compilation = null!;
    private CompilationWithAnalyzersOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        _compilation = CorpusCache.WithQdrant.Compilation;
        _analyzers = AnalyzerCatalog.PerfTuner().Concat(AnalyzerCatalog.SdkEnabledByDefault()).ToImmutableArray();
        _options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: false);
        Console.WriteLine($"// telemetry run: {AnalyzerCatalog.PerfTuner().Count} PerfTuner + {AnalyzerCatalog.SdkEnabledByDefault().Count} SDK CA analyzers");
    }

    [Benchmark(Description = "PerfTuner + SDK CA analyzers, one driver run with telemetry")]
    public async Task<int> AllWithTelemetry()
    {
        using var _ = CpuTime.Measure("telemetry");
        var result = await _compilation.WithAnalyzers(_analyzers, _options).GetAnalysisResultAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var pair in result.AnalyzerTelemetryInfo)
        {
            _executionMs.GetOrAdd(AnalyzerCatalog.Name(pair.Key), _ => new ConcurrentQueue<double>()).Enqueue(pair.Value.ExecutionTime.TotalMilliseconds);
        }

        return result.GetAllDiagnostics().Length;
    }

    [GlobalCleanup]
    public void Report()
    {
        var medians = _executionMs.ToDictionary(p => p.Key, p => Median(p.Value), StringComparer.Ordinal);
        var ca = medians.Where(p => p.Key.StartsWith("SDK ", StringComparison.Ordinal)).Select(p => p.Value).ToList();
        var caMedian = ca.Count == 0 ? double.NaN : Median(ca);
        var caTotal = ca.Sum();
        Console.WriteLine("// ---- analyzer execution time (driver telemetry, median of iterations) ----");
        Console.WriteLine($"// SDK CA analyzers measured: {ca.Count}; median {caMedian.ToString("N1", CultureInfo.InvariantCulture)} ms; sum {caTotal.ToString("N0", CultureInfo.InvariantCulture)} ms");
        foreach (var pair in medians.Where(p => !p.Key.StartsWith("SDK ", StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"// {pair.Key}: {pair.Value.ToString("N1", CultureInfo.InvariantCulture)} ms = {(pair.Value / caMedian).ToString("N2", CultureInfo.InvariantCulture)} x CA median (rank {Rank(ca, pair.Value)} of {ca.Count + 1})");
        }

        // A command-line build skips analyzers whose rules are all Info/Hidden (AnalyzerCatalog.SdkRunByBuild), so
        // "the median CA rule measured the same way" in a dotnet build is the median of this subset.
        var runByBuild = AnalyzerCatalog.SdkRunByBuild().Select(AnalyzerCatalog.Name).ToHashSet(StringComparer.Ordinal);
        var buildCa = medians.Where(p => runByBuild.Contains(p.Key)).Select(p => p.Value).ToList();
        var buildCaMedian = buildCa.Count == 0 ? double.NaN : Median(buildCa);
        Console.WriteLine($"// SDK CA analyzers a default dotnet build runs (a Warning/Error rule): {buildCa.Count}; median {buildCaMedian.ToString("N1", CultureInfo.InvariantCulture)} ms");
        foreach (var pair in medians.Where(p => !p.Key.StartsWith("SDK ", StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"// {pair.Key}: {(pair.Value / buildCaMedian).ToString("N2", CultureInfo.InvariantCulture)} x the median of the CA analyzers a build runs");
        }

        foreach (var pair in medians.Where(p => p.Key.StartsWith("SDK ", StringComparison.Ordinal)).OrderByDescending(p => p.Value))
        {
            Console.WriteLine($"// {pair.Key}: {pair.Value.ToString("N1", CultureInfo.InvariantCulture)} ms");
        }
    }

    /// <summary>1 = more expensive than every CA analyzer.</summary>
    private static int Rank(IEnumerable<double> others, double value) => others.Count(o => o > value) + 1;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(x => x).ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
