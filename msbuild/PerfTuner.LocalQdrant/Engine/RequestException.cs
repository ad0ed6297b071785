using Grpc.Core;

namespace PerfTuner.LocalQdrant.Engine;

/// <summary>A request Qdrant would reject, with the gRPC status code and message Qdrant uses.</summary>
internal sealed class RequestException : Exception
{
    private RequestException(StatusCode code, string message)
        : base(message)
    {
        Code = code;
    }

    public StatusCode Code { get; }

    public static RequestException InvalidArgument(string message) => new(StatusCode.InvalidArgument, message);

    public static RequestException NotFound(string message) => new(StatusCode.NotFound, message);

    public static RequestException AlreadyExists(string message) => new(StatusCode.AlreadyExists, message);

    /// <summary>A valid Qdrant request that this stand-in does not implement.</summary>
    public static RequestException Unsupported(string feature) =>
        new(StatusCode.Unimplemented, $"{feature} is not supported by PerfTuner.LocalQdrant (an in-memory stand-in, not Qdrant)");

    public static RequestException CollectionNotFound(string name) => NotFound($"Not found: Collection `{name}` doesn't exist!");

    public static RequestException DimensionMismatch(int expected, int actual) =>
        InvalidArgument($"Wrong input: Vector dimension error: expected dim: {expected}, got {actual}");

    public RpcException ToRpcException() => new(new Status(Code, Message));
}
