using BenchmarkDotNet.Attributes;

namespace PerfTuner.Smoke.Workload;

/// <summary>
/// The built-in workload as a BenchmarkDotNet benchmark: one approximate search per invocation.
/// BenchmarkDotNet creates the instance itself, so the live workload is handed over through <see cref="Current"/>.
/// </summary>
public class QdrantSearchBenchmark
{
    public const string DisplayName = "search";

    internal static QdrantWorkload? Current { get; set; }

    [Benchmark]
    public Task Search() => (Current ?? throw new InvalidOperationException("no workload")).SearchOnceAsync();
}
