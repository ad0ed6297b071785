using BenchmarkDotNet.Attributes;
using Qdrant.Client.Grpc;

namespace PerfTuner.Benchmarks.LocalQdrant;

/// <summary>
/// Client-observed search latency at parallelism 1 through the real Qdrant.Client over loopback gRPC: one call per
/// iteration, so P50/P95 are per-call percentiles. Budget at 10k × 384: P95 ≤ 5 ms.
/// </summary>
[Config(typeof(PerCallLatencyConfig))]
public class SearchLatencyBenchmarks
{
    private readonly CpuMeter _cpu = new();
    private SearchWorkload _workload = null!;
    private int _next;

    [Params(10_000, 100_000)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = SearchWorkload.StartAsync(Points).GetAwaiter().GetResult();
        _cpu.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cpu.Report($"search at {Points} points (per call, parallelism 1)");
        _workload.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Query nearest top-10 (hnsw_ef=100)")]
    public Task<IReadOnlyList<ScoredPoint>> Query() =>
        _workload.Client.QueryAsync(SearchWorkload.Collection, NextQuery(), limit: 10, searchParams: new SearchParams { HnswEf = 100 });

    [Benchmark(Description = "Query nearest top-10, filter group=3")]
    public Task<IReadOnlyList<ScoredPoint>> QueryFiltered() =>
        _workload.Client.QueryAsync(SearchWorkload.Collection, NextQuery(), filter: Conditions.Match("group", 3), limit: 10);

    private float[] NextQuery()
    {
        _cpu.Count();
        return _workload.Queries[_next++ % _workload.Queries.Length];
    }
}
