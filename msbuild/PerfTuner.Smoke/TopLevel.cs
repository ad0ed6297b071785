using Grpc.Core;
using PerfTuner.Smoke.Baselines;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Connection;
using PerfTuner.Smoke.Diagnostics;

namespace PerfTuner.Smoke;

/// <summary>The last line of defence: every exception becomes one PT-coded line and exit code 2, never a stack trace.</summary>
public static class TopLevel
{
    public static int Report(Exception e, SmokeOutput output, CancellationToken ct)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
            e = aggregate.InnerException!;
        switch (e)
        {
            case UsageException:
                output.Error(DiagnosticCodes.Usage, e.Message);
                break;
            case ConnectionException:
                output.Error(DiagnosticCodes.Unreachable, e.Message);
                break;
            case JsonLocationException j:
                output.Error(DiagnosticCodes.BaselineInvalid, j.Message, null, j.Line, j.Column);
                break;
            case OperationCanceledException when ct.IsCancellationRequested:
                output.Error(DiagnosticCodes.Internal, "the perf smoke was cancelled (its temporary collection was removed)");
                break;
            case RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unauthenticated or StatusCode.PermissionDenied } rpc:
                output.Error(DiagnosticCodes.Unreachable, $"Qdrant call failed during the run ({rpc.StatusCode}: {rpc.Status.Detail})");
                break;
            case RpcException rpc:
                output.Error(DiagnosticCodes.Internal, $"Qdrant rejected a request of the smoke ({rpc.StatusCode}: {rpc.Status.Detail})");
                break;
            case TimeoutException or HttpRequestException or System.Net.Sockets.SocketException:
                output.Error(DiagnosticCodes.Unreachable, $"Qdrant call failed during the run: {e.Message}");
                break;
            default:
                output.Error(DiagnosticCodes.Internal, $"the perf smoke failed unexpectedly: {e.GetType().Name}: {e.Message}");
                break;
        }
        return ExitCodes.Error;
    }
}
