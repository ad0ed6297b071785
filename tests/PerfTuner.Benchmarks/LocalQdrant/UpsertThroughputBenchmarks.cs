using BenchmarkDotNet.Attributes;
using PerfTuner.LocalQdrant;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.Benchmarks.LocalQdrant;

/// <summary>
/// Upsert throughput in points per second, batches of 100 × 384 dimensions sent one after another (wait=true).
/// 20 batches per invocation cycling over 5,000 ids, so the collection stays the same size. Budget: ≥ 50,000 points/s.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class UpsertThroughputBenchmarks
{
    private const int BatchSize = 100;
    private const int BatchesPerInvocation = 20;
    private readonly CpuMeter _cpu = new();
    private LocalQdrantServer _server = null!;
    private QdrantClient _client = null!;
    private List<PointStruct>[] _batches = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _server = LocalQdrantServer.StartAsync().GetAwaiter().GetResult();
        _client = new QdrantClient(_server.GrpcUri.Host, _server.GrpcUri.Port, https: false);
        _client.CreateCollectionAsync(SearchWorkload.Collection, new VectorParams { Size = SearchWorkload.Dimensions, Distance = Distance.Cosine })
            .GetAwaiter().GetResult();
        var random = new Random(7);
        _batches = Enumerable.Range(0, 50).Select(b => Enumerable.Range(b * BatchSize, BatchSize)
            .Select(id => new PointStruct { Id = (ulong)id, Vectors = SearchWorkload.RandomVector(random), Payload = { ["group"] = id % 10 } })
            .ToList()).ToArray();
        _cpu.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cpu.Report("upserted point (batch 100)");
        _client.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Upsert batch=100 (per point)", OperationsPerInvoke = BatchSize * BatchesPerInvocation)]
    public async Task UpsertBatches()
    {
        for (var i = 0; i < BatchesPerInvocation; i++)
        {
            await _client.UpsertAsync(SearchWorkload.Collection, _batches[_next++ % _batches.Length], wait: true);
            _cpu.Count(BatchSize);
        }
    }
}
