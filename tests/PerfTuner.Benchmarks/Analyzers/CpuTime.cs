using System.Collections.Concurrent;
using System.Diagnostics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// Process CPU time (all threads, user + kernel) per benchmark operation. The in-process toolchain runs every case
/// in this process one after another, so the delta around one operation is that operation's CPU cost: unlike wall
/// time it does not grow when other processes compete for the cores.
/// </summary>
internal static class CpuTime
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<double>> Samples = new(StringComparer.Ordinal);

    internal static string AnalyzerKey(string corpus, string analyzer) => corpus + "|" + analyzer;

    internal static string CompileKey(string method, bool withQdrant) => "compile|" + method + "|" + withQdrant;

    internal static Scope Measure(string key) => new(key);

    /// <summary>Median CPU milliseconds of the recorded operations for a key, or null when none ran.</summary>
    internal static double? MedianMs(string key)
    {
        if (!Samples.TryGetValue(key, out var queue) || queue.IsEmpty)
        {
            return null;
        }

        var sorted = queue.OrderBy(x => x).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal readonly struct Scope : IDisposable
    {
        private readonly string _key;
        private readonly TimeSpan _start;

        internal Scope(string key)
        {
            _key = key;
            _start = Process.GetCurrentProcess().TotalProcessorTime;
        }

        public void Dispose()
        {
            var elapsed = Process.GetCurrentProcess().TotalProcessorTime - _start;
            Samples.GetOrAdd(_key, _ => new ConcurrentQueue<double>()).Enqueue(elapsed.TotalMilliseconds);
            Console.WriteLine($"// cpu {_key}: {elapsed.TotalMilliseconds:F0} ms");
        }
    }
}

/// <summary>"CPU ms": median process CPU time per operation (see <see cref="CpuTime"/>).</summary>
public sealed class CpuTimeColumn : IColumn
{
    public string Id => nameof(CpuTimeColumn);

    public string ColumnName => "CPU ms";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median process CPU time per operation (all threads), milliseconds";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var median = CpuTime.MedianMs(KeyOf(benchmarkCase));
        return median is null ? "-" : median.Value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static string KeyOf(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        if (type == typeof(AnalyzerTelemetryBenchmarks))
        {
            return "telemetry";
        }

        if (type == typeof(BuildCostInterleavedBenchmarks))
        {
            return BuildCostKeys.Interleaved;
        }

        if (type == typeof(BuildCostBenchmarks))
        {
            return BuildCostKeys.For(benchmarkCase.Descriptor.WorkloadMethod.Name);
        }

        if (type == typeof(SemanticQueryCostBenchmarks))
        {
            return SemanticQueryCostBenchmarks.KeyOf((string)benchmarkCase.Parameters["Query"]);
        }

        if (type == typeof(CorpusCompileBenchmarks))
        {
            return CpuTime.CompileKey(benchmarkCase.Descriptor.WorkloadMethod.Name, (bool)benchmarkCase.Parameters["WithQdrant"]);
        }

        var corpus = type == typeof(AnalyzerCostWithoutQdrantBenchmarks) ? "Corpus.WithoutQdrant" : "Corpus.WithQdrant";
        return CpuTime.AnalyzerKey(corpus, (string)benchmarkCase.Parameters["Analyzer"]);
    }
}
