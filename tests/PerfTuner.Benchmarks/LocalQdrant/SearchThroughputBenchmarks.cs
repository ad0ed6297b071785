using BenchmarkDotNet.Attributes;

namespace PerfTuner.Benchmarks.LocalQdrant;

/// <summary>Search QPS with 4 concurrent callers (the smoke's default concurrency), 100 searches per invocation.</summary>
[Config(typeof(ThroughputConfig))]
public class SearchThroughputBenchmarks
{
    private const int Callers = 4;
    private const int SearchesPerCaller = 25;
    private SearchWorkload _workload = null!;

    [Params(10_000, 100_000)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = SearchWorkload.StartAsync(Points).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _workload.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "Query nearest top-10, 4 callers", OperationsPerInvoke = Callers * SearchesPerCaller)]
    public Task SearchConcurrently() => Task.WhenAll(Enumerable.Range(0, Callers).Select(async caller =>
    {
        for (var i = 0; i < SearchesPerCaller; i++)
        {
            var query = _workload.Queries[((caller * SearchesPerCaller) + i) % _workload.Queries.Length];
            await _workload.Client.QueryAsync(SearchWorkload.Collection, query, limit: 10);
        }
    }));
}
