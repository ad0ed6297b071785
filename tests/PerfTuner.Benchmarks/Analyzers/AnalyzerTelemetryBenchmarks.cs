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
/// at the end: for the process's first driver run (cold), for the steady state after the warm-up runs, and over all.
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
        var perfTuner = AnalyzerCatalog.PerfTuner().Concat(WithFloor ? PrecisionFloorProbe.All : Array.Empty<DiagnosticAnalyzer>());
        _analyzers = WithoutCa
            ? perfTuner.ToImmutableArray()
            : perfTuner.Concat(AnalyzerCatalog.SdkEnabledByDefault()).ToImmutableArray();
        _options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: true,
            reportSuppressedDiagnostics: false);
        Console.WriteLine(WithoutCa
            ? $"// telemetry run: {AnalyzerCatalog.PerfTuner().Count} PerfTuner analyzers alone ({WithoutCaVariable}=1)"
            : $"// telemetry run: {AnalyzerCatalog.PerfTuner().Count} PerfTuner + {AnalyzerCatalog.SdkEnabledByDefault().Count} SDK CA analyzers");
    }

    private const string WithoutCaVariable = "PERFTUNER_ANALYZER_TELEMETRY_WITHOUT_CA";

    /// <summary>
    /// PerfTuner's rules without the CA analyzers. The driver binds every method body for an operation action outside
    /// the analyzer's timer, and the rules then find those bodies already bound in the shared semantic model; alone,
    /// every body a rule binds is charged to that rule. The two runs side by side show how much of a rule's figure is
    /// binding.
    /// </summary>
    private static bool WithoutCa => Environment.GetEnvironmentVariable(WithoutCaVariable) == "1";

    private const string WithFloorVariable = "PERFTUNER_ANALYZER_TELEMETRY_FLOOR";

    /// <summary>
    /// Adds one <see cref="PrecisionFloorProbe"/> per rule to the run: the least a rule that checks symbols must pay on
    /// the corpus, printed beside the rule and the CA median. Off by default: the probes' questions would land in the
    /// same run as the rules' and could shift who builds what first.
    /// </summary>
    private static bool WithFloor => Environment.GetEnvironmentVariable(WithFloorVariable) == "1";

    private static string Name(DiagnosticAnalyzer analyzer) =>
        analyzer is PrecisionFloorProbe ? PrecisionFloorProbe.NameOf(analyzer) : AnalyzerCatalog.Name(analyzer);

    [Benchmark(Description = "PerfTuner + SDK CA analyzers, one driver run with telemetry")]
    public async Task<int> AllWithTelemetry()
    {
        using var _ = CpuTime.Measure("telemetry");
        var result = await _compilation.WithAnalyzers(_analyzers, _options).GetAnalysisResultAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var pair in result.AnalyzerTelemetryInfo)
        {
            _executionMs.GetOrAdd(Name(pair.Key), _ => new ConcurrentQueue<double>()).Enqueue(pair.Value.ExecutionTime.TotalMilliseconds);
        }

        foreach (var byAnalyzer in result.SyntaxDiagnostics.Values.Concat(result.SemanticDiagnostics.Values).Append(result.CompilationDiagnostics))
        {
            foreach (var pair in byAnalyzer.Where(p => !p.Value.IsEmpty))
            {
                _reporting[Name(pair.Key)] = true;
            }
        }

        return result.GetAllDiagnostics().Length;
    }

    /// <summary>The analyzers that reported at least one diagnostic on the corpus: the ones doing work like ours.</summary>
    private readonly ConcurrentDictionary<string, bool> _reporting = new(StringComparer.Ordinal);

    /// <summary>
    /// Driver runs before this many count as warm-up: the first JIT-compiles the analyzers and Roslyn's analysis
    /// paths, and tiered compilation re-JITs the hot ones over the next runs (each of those runs was measurably
    /// slower than the ones after it). "Steady" is what a warm compiler server (VBCSCompiler) pays on every build.
    /// </summary>
    private const int WarmUpRuns = 3;

    [GlobalCleanup]
    public void Report()
    {
        var runs = _executionMs.Values.Select(v => v.Count).DefaultIfEmpty().Min();
        Print("first driver run of the process (cold: includes JIT)", v => v.First());
        if (runs > WarmUpRuns)
        {
            Print($"steady state: median of driver runs {WarmUpRuns + 1}–{runs}", v => Median(v.Skip(WarmUpRuns)));
        }
        else
        {
            Console.WriteLine($"// (only {runs} driver runs: set PERFTUNER_ANALYZER_COST_ITERATIONS ≥ {WarmUpRuns + 1} for the steady-state table)");
        }

        Print($"median of all {runs} driver runs", v => Median(v));
    }

    private void Print(string title, Func<IReadOnlyCollection<double>, double> pick)
    {
        var times = _executionMs.ToDictionary(p => p.Key, p => pick(p.Value.ToArray()), StringComparer.Ordinal);
        var ca = times.Where(p => p.Key.StartsWith("SDK ", StringComparison.Ordinal)).Select(p => p.Value).ToList();
        var caMedian = ca.Count == 0 ? double.NaN : Median(ca);

        // A command-line build skips analyzers whose rules are all Info/Hidden (AnalyzerCatalog.SdkRunByBuild), so
        // "the median CA rule measured the same way" in a dotnet build is the median of this subset.
        var runByBuild = AnalyzerCatalog.SdkRunByBuild().Select(AnalyzerCatalog.Name).ToHashSet(StringComparer.Ordinal);
        var buildCa = times.Where(p => runByBuild.Contains(p.Key)).Select(p => p.Value).ToList();
        var buildCaMedian = buildCa.Count == 0 ? double.NaN : Median(buildCa);
        var floors = times.Where(p => p.Key.StartsWith(PrecisionFloorProbe.NamePrefix, StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var ours = times.Where(p => !p.Key.StartsWith("SDK ", StringComparison.Ordinal) && !p.Key.StartsWith(PrecisionFloorProbe.NamePrefix, StringComparison.Ordinal))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

        Console.WriteLine($"// ---- analyzer execution time (driver telemetry), {title} ----");
        if (ca.Count == 0)
        {
            foreach (var pair in ours)
            {
                Console.WriteLine($"// {pair.Key}: {Ms(pair.Value)}");
            }

            Console.WriteLine($"// all PerfTuner rules: {Ms(ours.Sum(p => p.Value))}");
            return;
        }

        Console.WriteLine($"// SDK CA analyzers: {ca.Count}, median {Ms(caMedian)}, sum {Ms(ca.Sum())}; the {buildCa.Count} a default dotnet build runs (a Warning/Error rule): median {Ms(buildCaMedian)}");
        foreach (var pair in ours)
        {
            Console.WriteLine($"// {pair.Key}: {Ms(pair.Value)} = {Times(pair.Value / caMedian)} the CA median, {Times(pair.Value / buildCaMedian)} the median of those a build runs (rank {Rank(ca, pair.Value)} of {ca.Count + 1})");
        }

        Console.WriteLine($"// all PerfTuner rules: {Ms(ours.Sum(p => p.Value))}");
        foreach (var floor in floors)
        {
            var ruleId = floor.Key[PrecisionFloorProbe.NamePrefix.Length..];
            var rule = ours.FirstOrDefault(p => p.Key.StartsWith(ruleId, StringComparison.Ordinal));
            var asked = PrecisionFloorProbe.All.First(p => p.Rule == ruleId).Answers / Math.Max(1, _executionMs[floor.Key].Count);
            Console.WriteLine($"// {floor.Key}, one symbol for each of {asked:N0} candidates, nothing else: {Ms(floor.Value)} = {Times(floor.Value / caMedian)} the CA median; the rule is {Times(rule.Value / floor.Value)} its floor");
        }

        // Most CA analyzers look for types or calls this corpus never has and return at once; the ones that report
        // something here walk code the way our rules do. Their median is printed beside the budget's, not instead of it.
        var reporting = times.Where(p => p.Key.StartsWith("SDK ", StringComparison.Ordinal) && _reporting.ContainsKey(p.Key)).Select(p => p.Value).ToList();
        var reportingMedian = reporting.Count == 0 ? double.NaN : Median(reporting);
        Console.WriteLine($"// CA analyzers that reported on this corpus: {reporting.Count}, median {Ms(reportingMedian)}; "
            + string.Join(", ", ours.Select(p => $"{p.Key.Split(' ')[0]} {Times(p.Value / reportingMedian)}")) + " that median ("
            + string.Join(", ", times.Where(p => p.Key.StartsWith("SDK ", StringComparison.Ordinal) && _reporting.ContainsKey(p.Key)).OrderByDescending(p => p.Value).Select(p => $"{p.Key[4..]} {Ms(p.Value)}")) + ")");
        Console.WriteLine("// most expensive CA analyzers: " + string.Join(", ", times.Where(p => p.Key.StartsWith("SDK ", StringComparison.Ordinal))
            .OrderByDescending(p => p.Value).Take(10).Select(p => $"{p.Key[4..]} {Ms(p.Value)}")));
    }

    private static string Ms(double ms) => ms.ToString("N1", CultureInfo.InvariantCulture) + " ms";

    private static string Times(double ratio) => ratio.ToString("N2", CultureInfo.InvariantCulture) + "x";

    /// <summary>1 = more expensive than every CA analyzer.</summary>
    private static int Rank(IEnumerable<double> others, double value) => others.Count(o => o > value) + 1;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(x => x).ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
