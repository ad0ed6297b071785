using Grpc.Core;
using Qdrant.Client;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Diagnostics;

namespace PerfTuner.Smoke.Connection;

/// <summary>Qdrant could not be reached, refused the key, or did not answer in time (PT1003, exit 2).</summary>
public sealed class ConnectionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A connected Qdrant: the client, what it is, and the embedded server to stop afterwards (if any).</summary>
public sealed class SmokeEndpoint : IAsyncDisposable
{
    private readonly IAsyncDisposable? _server;

    private SmokeEndpoint(QdrantClient client, Uri grpcUri, EndpointKind kind, string qdrantVersion, IAsyncDisposable? server)
    {
        Client = client;
        GrpcUri = grpcUri;
        Kind = kind;
        QdrantVersion = qdrantVersion;
        _server = server;
    }

    public QdrantClient Client { get; }
    public Uri GrpcUri { get; }
    public EndpointKind Kind { get; }
    public string QdrantVersion { get; }

    /// <summary>Connects to --url, or starts the embedded LocalQdrant on a free loopback port, and checks health.</summary>
    public static async Task<SmokeEndpoint> ConnectAsync(SmokeOptions options, string? apiKey, SmokeOutput output, CancellationToken ct)
    {
        TimeSpan timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        IAsyncDisposable? server = null;
        Uri uri;
        if (options.EndpointKind == EndpointKind.Embedded)
        {
            output.Progress("connect", "starting the embedded LocalQdrant on a free loopback port"
                + (options.LocalArgs.Count > 0 ? $" with {string.Join(' ', options.LocalArgs)}" : ""));
            (uri, server) = await EmbeddedServer.StartAsync(options.LocalArgs, ct);
        }
        else
        {
            uri = new Uri(options.Url!);
        }
        output.Progress("connect", $"{SmokeCommandLine.Safe(uri.ToString())} ({(server is null ? "url" : "embedded")}, timeout {options.TimeoutSeconds:0.#} s)");

        var client = new QdrantClient(uri, apiKey, timeout);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            string version;
            try
            {
                var health = await client.HealthAsync(limit.Token);
                version = $"{health.Title} {health.Version}".Trim();
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                throw Describe(e, uri, options, timeout);
            }
            output.Progress("connect", $"connected: {version}");
            return new SmokeEndpoint(client, uri, options.EndpointKind, version, server);
        }
        catch
        {
            client.Dispose();
            if (server is not null) await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Turns a failed Qdrant call into the user-facing reason, with a hint at the usual cause.</summary>
    public static Exception Describe(Exception e, Uri uri, SmokeOptions options, TimeSpan timeout)
    {
        string where = SmokeCommandLine.Safe(uri.ToString());
        return e switch
        {
            RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied } =>
                new ConnectionException($"Qdrant at {where} refused the request ({((RpcException)e).StatusCode}): check the API key in the environment variable {options.ApiKeyEnv}", e),
            RpcException { StatusCode: StatusCode.DeadlineExceeded } or OperationCanceledException or TimeoutException =>
                new ConnectionException($"Qdrant at {where} did not answer within {timeout.TotalSeconds:0.#} s (--timeout-seconds)", e),
            RpcException rpc =>
                new ConnectionException($"Qdrant at {where} is unreachable ({rpc.StatusCode}: {rpc.Status.Detail}); is it running, and is this its gRPC port (6334 by default, not the REST port 6333)?", e),
            _ => new ConnectionException($"Qdrant at {where} is unreachable ({e.GetType().Name}: {e.Message})", e),
        };
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
