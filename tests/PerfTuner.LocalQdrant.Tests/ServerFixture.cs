using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Tests;

/// <summary>One in-process server on free loopback ports, shared by a test class; each test uses its own collections.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private LocalQdrantServer? _server;

    public LocalQdrantServer Server => _server ?? throw new InvalidOperationException("not started");

    public QdrantClient Client { get; private set; } = null!;

    /// <summary>The raw gRPC client, for answers Qdrant.Client's convenience layer turns into exceptions.</summary>
    public QdrantGrpcClient Grpc { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await LocalQdrantServer.StartAsync();
        Client = CreateClient(_server);
        Grpc = new QdrantGrpcClient(_server.GrpcUri);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Grpc.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public static QdrantClient CreateClient(LocalQdrantServer server) =>
        new(server.GrpcUri.Host, server.GrpcUri.Port, https: false);

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
