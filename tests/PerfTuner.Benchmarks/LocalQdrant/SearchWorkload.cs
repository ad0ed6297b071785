using PerfTuner.LocalQdrant;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.Benchmarks.LocalQdrant;

/// <summary>An in-process LocalQdrant with one Cosine collection of seeded random 384-dimensional points, loaded in batches.</summary>
internal sealed class SearchWorkload : IAsyncDisposable
{
    public const int Dimensions = 384;
    public const string Collection = "bench";

    private SearchWorkload(LocalQdrantServer server, QdrantClient client, float[][] queries)
    {
        Server = server;
        Client = client;
        Queries = queries;
    }

    public LocalQdrantServer Server { get; }

    public QdrantClient Client { get; }

    /// <summary>Pre-generated query vectors, so generating them is not measured.</summary>
    public float[][] Queries { get; }

    public static async Task<SearchWorkload> StartAsync(int points)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var server = await LocalQdrantServer.StartAsync();
        var client = new QdrantClient(server.GrpcUri.Host, server.GrpcUri.Port, https: false);
        await client.CreateCollectionAsync(Collection, new VectorParams { Size = Dimensions, Distance = Distance.Cosine });
        var random = new Random(42);
        for (var start = 0; start < points; start += 1000)
        {
            var batch = Enumerable.Range(start, Math.Min(1000, points - start))
                .Select(id => new PointStruct { Id = (ulong)id, Vectors = RandomVector(random), Payload = { ["group"] = id % 10 } })
                .ToList();
            await client.UpsertAsync(Collection, batch);
        }

        // Managed heap held by the server after loading (client and server share this process; temporaries are collected).
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine($"// LocalQdrant memory: {points} points x {Dimensions} dims held {held / 1048576.0:F1} MiB; raw floats {points * (long)Dimensions * 4 / 1048576.0:F1} MiB");

        var queries = Enumerable.Range(0, 256).Select(_ => RandomVector(random)).ToArray();
        return new SearchWorkload(server, client, queries);
    }

    public static float[] RandomVector(Random random) =>
        Enumerable.Range(0, Dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
