using System.Text;
using PerfTuner.Smoke;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Diagnostics;
using PerfTuner.Smoke.GateQuality;

// Entry point: parse, run, map every outcome to an exit code (0 pass, 1 regression/budget, 2 usage/connection/error).
Console.OutputEncoding = new UTF8Encoding(false);
var output = new SmokeOutput(Console.Out);
output.AddSecret(Environment.GetEnvironmentVariable("QDRANT_API_KEY")); // before anything can print
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: cancel promptly but let the run delete its temporary collection. A second one kills.
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    output.Progress("cancel", "Ctrl+C: stopping and cleaning up");
    cancel.Cancel();
};

// CI systems stop a job with SIGTERM: treat it like Ctrl+C so a collection on a real Qdrant is still removed.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    if (cancel.IsCancellationRequested) return;
    context.Cancel = true;
    output.Progress("cancel", "SIGTERM: stopping and cleaning up");
    cancel.Cancel();
});

try
{
    if (SmokeCommandLine.IsHelp(args))
    {
        Console.Out.Write(SmokeCommandLine.Usage());
        return ExitCodes.Pass;
    }
    if (args.Length > 0 && args[0] == "gate-quality")
        return await GateQualityCommand.RunAsync(args.Skip(1).ToArray(), output, cancel.Token);

    SmokeOptions options = SmokeCommandLine.Parse(args);
    return await new SmokeRunner(options, output).RunAsync(cancel.Token);
}
catch (Exception e)
{
    return TopLevel.Report(e, output, cancel.Token);
}
