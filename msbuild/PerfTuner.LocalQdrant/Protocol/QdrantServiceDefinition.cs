using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using PerfTuner.LocalQdrant.Engine;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Protocol;

/// <summary>
/// Builds the gRPC service definition from Qdrant.Client's own message types and parsers, so the wire format is
/// exactly the client's without any .proto files. Methods not listed here answer UNIMPLEMENTED (ASP.NET Core gRPC
/// does that for unknown methods and services).
/// </summary>
internal static class QdrantServiceDefinition
{
    /// <summary>Key in HttpContext.Items where the middleware records when the request arrived.</summary>
    public const string RequestStartKey = "PerfTuner.LocalQdrant.RequestStart";

    public static ServerServiceDefinition Build(CollectionRegistry registry, LatencyInjector latency)
    {
        var collections = new CollectionsHandlers(registry);
        var points = new PointsHandlers(registry);
        var builder = ServerServiceDefinition.CreateBuilder();
        var version = typeof(PointId).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

        Add(builder, latency, RpcNames.HealthCheck, HealthCheckRequest.Parser, (HealthCheckRequest _) =>
            new HealthCheckReply { Title = "PerfTuner.LocalQdrant (in-memory Qdrant-protocol stand-in, not Qdrant)", Version = version });

        Add(builder, latency, RpcNames.CreateCollection, CreateCollection.Parser, collections.Create);
        Add(builder, latency, RpcNames.GetCollection, GetCollectionInfoRequest.Parser, collections.Get);
        Add(builder, latency, RpcNames.ListCollections, ListCollectionsRequest.Parser, collections.List);
        Add(builder, latency, RpcNames.DeleteCollection, DeleteCollection.Parser, collections.Delete);
        Add(builder, latency, RpcNames.CollectionExists, CollectionExistsRequest.Parser, collections.Exists);

        Add(builder, latency, RpcNames.Upsert, UpsertPoints.Parser, points.Upsert);
        Add(builder, latency, RpcNames.DeletePoints, DeletePoints.Parser, points.Delete);
        Add(builder, latency, RpcNames.GetPoints, GetPoints.Parser, points.Get);
        Add(builder, latency, RpcNames.Scroll, ScrollPoints.Parser, points.Scroll);
        Add(builder, latency, RpcNames.Count, CountPoints.Parser, points.Count);
        Add(builder, latency, RpcNames.Search, SearchPoints.Parser, points.Search);
        Add(builder, latency, RpcNames.Query, QueryPoints.Parser, points.Query);
        return builder.Build();
    }

    private static void Add<TRequest, TResponse>(
        ServerServiceDefinition.Builder builder,
        LatencyInjector latency,
        string rpc,
        MessageParser<TRequest> parser,
        Func<TRequest, TResponse> handle)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var slash = rpc.IndexOf('/', StringComparison.Ordinal);
        var method = new Method<TRequest, TResponse>(
            MethodType.Unary,
            "qdrant." + rpc[..slash],
            rpc[(slash + 1)..],
            Marshal(parser),
            Marshal(ResponseParser<TResponse>()));

        builder.AddMethod(method, async (request, context) =>
        {
            var http = context.GetHttpContext();
            var start = http.Items.TryGetValue(RequestStartKey, out var stamp) && stamp is long arrived ? arrived : Stopwatch.GetTimestamp();
            TResponse response;
            try
            {
                response = handle(request);
            }
            catch (RequestException error)
            {
                await latency.DelayAsync(rpc, start, context.CancellationToken).ConfigureAwait(false);
                throw error.ToRpcException();
            }
            catch (Exception error) when (error is not RpcException and not OperationCanceledException)
            {
                // A bug here must not look like a Qdrant answer, and must never take the server down.
                throw new RpcException(new Status(StatusCode.Internal, $"PerfTuner.LocalQdrant internal error in {rpc}: {error.GetType().Name}: {error.Message}"));
            }

            TimeField<TResponse>.Set?.Invoke(response, Stopwatch.GetElapsedTime(start).TotalSeconds);
            await latency.DelayAsync(rpc, start, context.CancellationToken).ConfigureAwait(false);
            return response;
        });
    }

    /// <summary>Buffer-writer marshalling, like generated gRPC code: no intermediate byte arrays for large messages.</summary>
    private static Marshaller<T> Marshal<T>(MessageParser<T> parser)
        where T : class, IMessage<T> =>
        Marshallers.Create(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    private static MessageParser<T> ResponseParser<T>()
        where T : class, IMessage<T> =>
        (MessageParser<T>)typeof(T).GetProperty("Parser")!.GetValue(null)!;

    /// <summary>Qdrant reports server-side handling time in seconds on most responses; the setter is looked up once per type.</summary>
    private static class TimeField<T>
    {
        public static readonly Action<T, double>? Set =
            typeof(T).GetProperty("Time") is { PropertyType: var type, SetMethod: { } setter } && type == typeof(double)
                ? setter.CreateDelegate<Action<T, double>>()
                : null;
    }
}
