using System.Diagnostics;
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PerfTuner.LocalQdrant.Engine;
using PerfTuner.LocalQdrant.Protocol;

namespace PerfTuner.LocalQdrant;

/// <summary>
/// The server, hosted in the calling process: gRPC (HTTP/2 cleartext) and REST (HTTP/1.1) on 127.0.0.1.
/// Start it with <see cref="StartAsync"/>, point a QdrantClient at <see cref="GrpcUri"/>, dispose it when done.
/// </summary>
public sealed class LocalQdrantServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CollectionRegistry _registry;
    private int _disposed;

    private LocalQdrantServer(WebApplication app, CollectionRegistry registry, Uri grpcUri, Uri httpUri)
    {
        _app = app;
        _registry = registry;
        GrpcUri = grpcUri;
        HttpUri = httpUri;
    }

    /// <summary>gRPC endpoint, http://127.0.0.1:N (h2c, as Qdrant.Client speaks on plain http).</summary>
    public Uri GrpcUri { get; }

    /// <summary>REST endpoint, http://127.0.0.1:M: GET /, /healthz, /readyz.</summary>
    public Uri HttpUri { get; }

    /// <summary>Starts listening and returns once both endpoints accept connections.</summary>
    /// <exception cref="LocalQdrantUsageException">The options are invalid.</exception>
    /// <exception cref="IOException">A requested port is already in use.</exception>
    public static async Task<LocalQdrantServer> StartAsync(LocalQdrantOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalQdrantOptions();
        options.Validate();

        // An empty builder reads no appsettings, environment or command line: the server is configured only by options.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(LocalQdrantServer).Assembly.GetName().Name });
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Logging.ClearProviders();
        if (options.LogWarningsToStandardError)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        ListenOptions? grpcListen = null;
        ListenOptions? httpListen = null;
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Like Qdrant, no limit on what a client may send (large upsert batches are the point).
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 4 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 2 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpcListen = listen;
            });
            kestrel.Listen(IPAddress.Loopback, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                httpListen = listen;
            });
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = false;
        });

        var registry = new CollectionRegistry();
        var latency = new LatencyInjector(options);
        var app = builder.Build();

        // Record arrival before gRPC reads and parses the body, so the latency factor stretches the whole handling time.
        app.Use((context, next) =>
        {
            context.Items[QdrantServiceDefinition.RequestStartKey] = Stopwatch.GetTimestamp();
            return next(context);
        });
        app.MapGrpcService(QdrantServiceDefinition.Build(registry, latency));
        MapRest(app);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            registry.Dispose();
            throw;
        }

        return new LocalQdrantServer(app, registry, EndpointUri(grpcListen), EndpointUri(httpListen));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _registry.Dispose();
    }

    private static void MapRest(WebApplication app)
    {
        var version = typeof(LocalQdrantServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var about = "{\"title\":\"PerfTuner.LocalQdrant - in-memory Qdrant-protocol stand-in, not Qdrant\",\"version\":\"" + version.Split('+')[0] + "\"}";
        app.MapGet("/", context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(about);
        });
        app.MapGet("/healthz", context => context.Response.WriteAsync("healthz check passed"));
        app.MapGet("/readyz", context => context.Response.WriteAsync("all shards are ready"));
    }

    /// <summary>Kestrel writes the bound port back into the listen options, which is how port 0 becomes a real port.</summary>
    private static Uri EndpointUri(ListenOptions? listen) =>
        listen?.IPEndPoint is { } endpoint
            ? new Uri($"http://127.0.0.1:{endpoint.Port}")
            : throw new InvalidOperationException("Kestrel did not report the bound endpoint");

    /// <summary>
    /// The host must not react to Ctrl+C or SIGTERM on its own: embedded in a test or the smoke runner, the caller owns
    /// the process; the command line handles signals itself.
    /// </summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
