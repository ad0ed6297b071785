using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// The eight arms of <see cref="BuildCostBenchmarks"/>, interleaved: one operation is one round that runs every arm
/// once (the order rotating from round to round), so the arms of a round share the same machine load and the budget
/// ratios are computed per round, then the median taken. BenchmarkDotNet runs each case of BuildCostBenchmarks one
/// after another, so on a shared machine whose load drifts by minutes its case-to-case ratios drift too; this variant
/// is for such a machine. The per-arm table and the budget figures are printed at the end. Warm-up rounds are
/// discarded: the first when there are three or more rounds, the first three when there are six or more (JIT and
/// tiered re-JIT made each of the first three rounds slower than the ones after them).
/// </summary>
[Config(typeof(AnalyzerCostConfig))]
public class BuildCostInterleavedBenchmarks
{
    private readonly BuildCostBenchmarks _arms = new();
    private readonly List<Dictionary<string, (double WallMs, double CpuMs)>> _rounds = new();
    private readonly Dictionary<string, long> _diagnostics = new(StringComparer.Ordinal);

    [GlobalSetup]
    public void Setup() => _arms.Setup();

    [Benchmark(Description = "One round: all eight build-cost arms, interleaved")]
    public async Task<long> Round()
    {
        using var _ = CpuTime.Measure(BuildCostKeys.Interleaved);
        var arms = _arms.Arms();
        var shift = _rounds.Count % arms.Count;
        var round = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        long total = 0;
        foreach (var (arm, run) in arms.Skip(shift).Concat(arms.Take(shift)))
        {
            // The previous arm's garbage is collected now, not billed to this arm (a background GC's CPU counts too).
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var diagnostics = await run().ConfigureAwait(false);
            _diagnostics[arm] = diagnostics;
            total += diagnostics;
            round[arm] = (wall.Elapsed.TotalMilliseconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
            Console.WriteLine($"// round {_rounds.Count + 1} {arm}: {round[arm].Item1:F0} ms wall, {round[arm].Item2:F0} ms CPU");
        }

        _rounds.Add(round);
        return total;
    }

    [GlobalCleanup]
    public void Report()
    {
        _arms.Cleanup();
        if (_diagnostics.TryGetValue(nameof(BuildCostBenchmarks.PerfTunerReportsDropped), out var dropped)
            && _diagnostics.TryGetValue(nameof(BuildCostBenchmarks.EmptyAnalyzer), out var empty)
            && dropped != empty)
        {
            // The compiler's own diagnostics are the same in every arm: any difference is a report that got through.
            throw new InvalidOperationException($"the reports-dropped arm returned {dropped} diagnostics, the empty analyzer {empty}: reports were not dropped");
        }

        var rounds = _rounds.Count >= 6 ? _rounds.Skip(3).ToList() : _rounds.Count >= 3 ? _rounds.Skip(1).ToList() : _rounds;
        Console.WriteLine($"// ---- build cost, interleaved: medians of {rounds.Count} rounds (of {_rounds.Count}) ----");
        foreach (var arm in _arms.Arms().Select(a => a.Arm))
        {
            Console.WriteLine($"// {arm,-20} wall {Text(Median(rounds.Select(r => r[arm].WallMs)), "N0")} ms, CPU {Text(Median(rounds.Select(r => r[arm].CpuMs)), "N0")} ms");
        }

        foreach (var cpu in new[] { true, false })
        {
            double V(Dictionary<string, (double WallMs, double CpuMs)> r, string arm) => cpu ? r[arm].CpuMs : r[arm].WallMs;
            var unit = cpu ? "CPU" : "wall";

            // Same definitions as AddedCostColumn, per round: added cost over the reference arm / the reference build's compile.
            var alone = rounds.Select(r => 100 * (V(r, nameof(BuildCostBenchmarks.PerfTuner)) - V(r, nameof(BuildCostBenchmarks.NoAnalyzers))) / V(r, nameof(BuildCostBenchmarks.EmitNoAnalyzers))).ToArray();
            var onCa = rounds.Select(r => 100 * (V(r, nameof(BuildCostBenchmarks.SdkCaAndPerfTuner)) - V(r, nameof(BuildCostBenchmarks.SdkCa)))
                / (V(r, nameof(BuildCostBenchmarks.EmitNoAnalyzers)) + V(r, nameof(BuildCostBenchmarks.SdkCa)) - V(r, nameof(BuildCostBenchmarks.NoAnalyzers)))).ToArray();
            var ca = rounds.Select(r => 100 * (V(r, nameof(BuildCostBenchmarks.SdkCa)) - V(r, nameof(BuildCostBenchmarks.NoAnalyzers))) / V(r, nameof(BuildCostBenchmarks.EmitNoAnalyzers))).ToArray();
            Console.WriteLine($"// Budget 1 ({unit}), PerfTuner added to the analyzer-free compile: {Text(Median(alone), "N1")} % (rounds: {string.Join(", ", alone.Select(x => Text(x, "N1")))})");
            Console.WriteLine($"// Budget 1 ({unit}), PerfTuner added on top of the SDK CA analyzers, % of that build's compile: {Text(Median(onCa), "N1")} % (rounds: {string.Join(", ", onCa.Select(x => Text(x, "N1")))})");
            Console.WriteLine($"// (for scale, {unit}) SDK CA analyzers added to the analyzer-free compile: {Text(Median(ca), "N1")} %");

            // The roslyn-analyzers way: over the empty analyzer (driver attached, nothing registered), and how much of
            // that is the floor every operation analyzer pays (the driver's IOperation trees for every body).
            var overEmpty = rounds.Select(r => 100 * (V(r, nameof(BuildCostBenchmarks.PerfTuner)) - V(r, nameof(BuildCostBenchmarks.EmptyAnalyzer))) / V(r, nameof(BuildCostBenchmarks.EmitNoAnalyzers))).ToArray();
            var floor = rounds.Select(r => 100 * (V(r, nameof(BuildCostBenchmarks.EmptyOperationAnalyzer)) - V(r, nameof(BuildCostBenchmarks.EmptyAnalyzer))) / V(r, nameof(BuildCostBenchmarks.EmitNoAnalyzers))).ToArray();
            var overFloor = rounds.Select(r => 100 * (V(r, nameof(BuildCostBenchmarks.PerfTuner)) - V(r, nameof(BuildCostBenchmarks.EmptyOperationAnalyzer))) / V(r, nameof(BuildCostBenchmarks.EmitNoAnalyzers))).ToArray();
            Console.WriteLine($"// Budget 1 ({unit}), PerfTuner over the empty analyzer, % of the analyzer-free compile: {Text(Median(overEmpty), "N1")} % (rounds: {string.Join(", ", overEmpty.Select(x => Text(x, "N1")))})");
            Console.WriteLine($"//   of which the operation-analyzer floor (empty operation analyzer over the empty analyzer): {Text(Median(floor), "N1")} % (rounds: {string.Join(", ", floor.Select(x => Text(x, "N1")))})");
            Console.WriteLine($"//   and PerfTuner over that floor: {Text(Median(overFloor), "N1")} % (rounds: {string.Join(", ", overFloor.Select(x => Text(x, "N1")))})");

            // Analysis against reporting: the same rules with their diagnostics dropped as reported (ReportsDroppedAnalyzer).
            var analysis = rounds.Select(r => 100 * (V(r, nameof(BuildCostBenchmarks.PerfTunerReportsDropped)) - V(r, nameof(BuildCostBenchmarks.EmptyAnalyzer))) / V(r, nameof(BuildCostBenchmarks.EmitNoAnalyzers))).ToArray();
            var reporting = rounds.Select(r => 100 * (V(r, nameof(BuildCostBenchmarks.PerfTuner)) - V(r, nameof(BuildCostBenchmarks.PerfTunerReportsDropped))) / V(r, nameof(BuildCostBenchmarks.EmitNoAnalyzers))).ToArray();
            Console.WriteLine($"//   of PerfTuner over the empty analyzer, the rules' analysis (reports dropped): {Text(Median(analysis), "N1")} % (rounds: {string.Join(", ", analysis.Select(x => Text(x, "N1")))})");
            Console.WriteLine($"//   and the build's price for the {Reported()} diagnostics they report: {Text(Median(reporting), "N1")} % (rounds: {string.Join(", ", reporting.Select(x => Text(x, "N1")))})");
        }
    }

    /// <summary>How many diagnostics the full rules add to the arm with their reports dropped (the last round's counts).</summary>
    private string Reported() =>
        _diagnostics.TryGetValue(nameof(BuildCostBenchmarks.PerfTuner), out var all) && _diagnostics.TryGetValue(nameof(BuildCostBenchmarks.PerfTunerReportsDropped), out var dropped)
            ? (all - dropped).ToString(CultureInfo.InvariantCulture)
            : "?";

    private static string Text(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(x => x).ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
