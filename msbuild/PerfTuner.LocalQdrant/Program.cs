using System.Runtime.InteropServices;
using PerfTuner.LocalQdrant;

// Command line: prints one "listening" line on stdout once both endpoints accept connections, then serves until
// SIGINT or SIGTERM. Bad arguments: one error line on stderr, exit code 2. Nothing else goes to stdout.
LocalQdrantOptions options;
try
{
    options = LocalQdrantOptions.Parse(args);
}
catch (LocalQdrantUsageException error)
{
    Console.Error.WriteLine($"PerfTuner.LocalQdrant: error: {error.Message}");
    return 2;
}

options.LogWarningsToStandardError = true;
var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

LocalQdrantServer server;
try
{
    server = await LocalQdrantServer.StartAsync(options);
}
catch (IOException error)
{
    Console.Error.WriteLine($"PerfTuner.LocalQdrant: error: cannot listen on 127.0.0.1 (--grpc-port {options.GrpcPort}, --http-port {options.HttpPort}): {error.Message}");
    return 2;
}

await using (server)
{
    var stdout = Console.Out;
    stdout.WriteLine($"PerfTuner.LocalQdrant listening grpc={server.GrpcUri.GetLeftPart(UriPartial.Authority)} http={server.HttpUri.GetLeftPart(UriPartial.Authority)}");
    stdout.Flush();
    await stop.Task;
}

return 0;
