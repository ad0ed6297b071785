using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Tests;

/// <summary>Concurrency and size: behaviour under parallel writers and readers, and messages far beyond gRPC's 4 MB default.</summary>
public sealed class LoadTests : IClassFixture<ServerFixture>
{
    private readonly QdrantClient _client;

    public LoadTests(ServerFixture fixture) => _client = fixture.Client;

    [Fact]
    public async Task Concurrent_upserts_and_searches_lose_nothing_and_never_fail()
    {
        const int dimensions = 32;
        const int writers = 4;
        const int batches = 25;
        const int batchSize = 40;
        var name = ServerFixture.UniqueName("concurrent");
        await _client.CreateCollectionAsync(name, new VectorParams { Size = dimensions, Distance = Distance.Cosine });

        var writing = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var b = 0; b < batches; b++)
            {
                var points = Enumerable.Range(0, batchSize).Select(i => new PointStruct
                {
                    Id = (ulong)((w * batches * batchSize) + (b * batchSize) + i),
                    Vectors = Enumerable.Range(0, dimensions).Select(_ => (float)random.NextDouble()).ToArray(),
                    Payload = { ["writer"] = w },
                }).ToList();
                await _client.UpsertAsync(name, points);
            }
        })).ToList();

        var done = Task.WhenAll(writing);
        var searches = 0;
        var reading = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            var random = new Random(100 + r);
            while (!done.IsCompleted)
            {
                var query = Enumerable.Range(0, dimensions).Select(_ => (float)random.NextDouble()).ToArray();
                var hits = await _client.SearchAsync(name, query, limit: 5);
                Assert.True(hits.Count <= 5);
                Assert.All(hits.Zip(hits.Skip(1)), pair => Assert.True(pair.First.Score >= pair.Second.Score));
                Interlocked.Increment(ref searches);
            }
        })).ToList();

        await Task.WhenAll(writing.Concat(reading));
        Assert.Equal((ulong)(writers * batches * batchSize), await _client.CountAsync(name));
        for (var w = 0; w < writers; w++)
        {
            var filter = new Filter { Must = { Conditions.Match("writer", w) } };
            Assert.Equal((ulong)(batches * batchSize), await _client.CountAsync(name, filter));
        }

        Assert.True(searches > 0);
    }

    [Fact]
    public async Task An_upsert_of_more_than_20_MB_is_accepted_whole()
    {
        const int dimensions = 1024;
        const int points = 5500; // 5500 × 1024 × 4 bytes ≈ 22.5 MB of floats alone
        var name = ServerFixture.UniqueName("large");
        await _client.CreateCollectionAsync(name, new VectorParams { Size = dimensions, Distance = Distance.Dot });
        var random = new Random(1);
        var batch = Enumerable.Range(0, points).Select(i => new PointStruct
        {
            Id = (ulong)i,
            Vectors = Enumerable.Range(0, dimensions).Select(_ => (float)random.NextDouble()).ToArray(),
        }).ToList();
        var request = new UpsertPoints { CollectionName = name, Wait = true, Points = { batch } };
        Assert.True(request.CalculateSize() > 20 * 1024 * 1024);

        var result = await _client.UpsertAsync(request);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        Assert.Equal((ulong)points, await _client.CountAsync(name));
        var last = (await _client.RetrieveAsync(name, (ulong)(points - 1), withPayload: false, withVectors: true)).Single();
        Assert.Equal(batch[^1].Vectors.Vector.Dense.Data, last.Vectors.Vector.Dense.Data);
    }
}
