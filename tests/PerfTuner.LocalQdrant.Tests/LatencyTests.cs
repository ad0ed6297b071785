using System.Diagnostics;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Tests;

/// <summary>
/// Injected latency is behaviour (the perf gate's detection test relies on it), so these check lower bounds only:
/// a request can never finish before its injected delay, whatever the machine's load.
/// </summary>
public sealed class LatencyTests
{
    [Fact]
    public async Task Fixed_latency_applies_per_rpc_and_only_there()
    {
        // A delay far above any loopback call, so "unaffected" can be checked without a fragile timing bound.
        const double injectedMs = 500;
        var options = new LocalQdrantOptions();
        options.LatencyMsPerRpc["Points/Count"] = injectedMs;
        await using var server = await LocalQdrantServer.StartAsync(options);
        using var client = ServerFixture.CreateClient(server);
        var name = ServerFixture.UniqueName("latency");
        await client.CreateCollectionAsync(name, new VectorParams { Size = 2, Distance = Distance.Dot });

        var counted = Stopwatch.StartNew();
        await client.CountAsync(name);
        counted.Stop();
        Assert.True(counted.Elapsed.TotalMilliseconds >= injectedMs, $"count took {counted.Elapsed.TotalMilliseconds} ms");

        for (var i = 0; i < 3; i++)
        {
            var other = Stopwatch.StartNew();
            await client.CollectionExistsAsync(name);
            other.Stop();
            Assert.True(other.Elapsed.TotalMilliseconds < injectedMs, $"an unaffected call took {other.Elapsed.TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task Latency_factor_stretches_the_server_side_handling_time()
    {
        // A factor of 3 on a search of 20k × 256 floats: the response's own server time must be at least tripled.
        var options = new LocalQdrantOptions();
        options.LatencyFactorPerRpc["Search"] = 3;
        await using var server = await LocalQdrantServer.StartAsync(options);
        using var grpc = new QdrantGrpcClient(server.GrpcUri);
        var name = ServerFixture.UniqueName("factor");
        await grpc.Collections.CreateAsync(new CreateCollection
        {
            CollectionName = name,
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 256, Distance = Distance.Euclid } },
        });
        var random = new Random(2);
        var upsert = new UpsertPoints { CollectionName = name, Wait = true };
        for (var i = 0; i < 20_000; i++)
        {
            upsert.Points.Add(new PointStruct { Id = (ulong)i, Vectors = Enumerable.Range(0, 256).Select(_ => (float)random.NextDouble()).ToArray() });
        }

        await grpc.Points.UpsertAsync(upsert);
        var search = new SearchPoints { CollectionName = name, Limit = 10, Vector = { Enumerable.Repeat(0.5f, 256) } };
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var response = await grpc.Points.SearchAsync(search);
            watch.Stop();
            // Time is measured before the injected wait, so the whole call takes at least 3 × the reported handling time.
            Assert.True(watch.Elapsed.TotalSeconds >= 3 * response.Time * 0.99, $"call {watch.Elapsed.TotalSeconds}s vs handling {response.Time}s");
            Assert.Equal(10, response.Result.Count);
        }
    }
}
