using BenchmarkDotNet.Attributes;
using PerfTuner.LocalQdrant;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.Benchmarks.LocalQdrant;

/// <summary>
/// What the perf gate's detection test relies on: with --latency-factor 1.25 the client-observed per-call P95 at
/// 10k × 384 should rise by close to 25%. Both factors run side by side in one process, one call per iteration.
/// </summary>
[Config(typeof(PerCallLatencyConfig))]
public class LatencyInjectionBenchmarks
{
    private readonly CpuMeter _cpu = new();
    private LocalQdrantServer _server = null!;
    private QdrantClient _client = null!;
    private float[][] _queries = null!;
    private int _next;

    [Params(1.0, 1.25)]
    public double LatencyFactor { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = LocalQdrantServer.StartAsync(new LocalQdrantOptions { LatencyFactor = LatencyFactor }).GetAwaiter().GetResult();
        _client = new QdrantClient(_server.GrpcUri.Host, _server.GrpcUri.Port, https: false);
        _client.CreateCollectionAsync(SearchWorkload.Collection, new VectorParams { Size = SearchWorkload.Dimensions, Distance = Distance.Cosine })
            .GetAwaiter().GetResult();
        var random = new Random(42);
        for (var start = 0; start < 10_000; start += 1000)
        {
            var batch = Enumerable.Range(start, 1000).Select(id => new PointStruct { Id = (ulong)id, Vectors = SearchWorkload.RandomVector(random) }).ToList();
            _client.UpsertAsync(SearchWorkload.Collection, batch).GetAwaiter().GetResult();
        }

        _queries = Enumerable.Range(0, 256).Select(_ => SearchWorkload.RandomVector(random)).ToArray();
        _cpu.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cpu.Report($"search at 10000 points with latency factor {LatencyFactor}");
        _client.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Query nearest top-10 at 10k x 384")]
    public Task<IReadOnlyList<ScoredPoint>> Query()
    {
        _cpu.Count();
        return _client.QueryAsync(SearchWorkload.Collection, _queries[_next++ % _queries.Length], limit: 10);
    }
}
