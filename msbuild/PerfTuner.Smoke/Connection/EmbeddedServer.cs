using PerfTuner.LocalQdrant;
using PerfTuner.Smoke.Cli;

namespace PerfTuner.Smoke.Connection;

/// <summary>Starts PerfTuner.LocalQdrant in this process (free loopback ports) for runs without --url.</summary>
internal static class EmbeddedServer
{
    public static async Task<(Uri GrpcUri, IAsyncDisposable Server)> StartAsync(IReadOnlyList<string> localArgs, CancellationToken ct)
    {
        LocalQdrantOptions options;
        try
        {
            options = LocalQdrantOptions.Parse(localArgs);
        }
        catch (LocalQdrantUsageException e)
        {
            throw new UsageException($"--local-args: {e.Message}");
        }
        LocalQdrantServer server = await LocalQdrantServer.StartAsync(options, ct);
        return (server.GrpcUri, server);
    }
}
