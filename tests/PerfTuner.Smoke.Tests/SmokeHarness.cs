using System.Net;
using System.Net.Sockets;
using System.Reflection;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Diagnostics;

namespace PerfTuner.Smoke.Tests;

/// <summary>Runs the smoke in this process with small, fast settings and captures everything it prints.</summary>
internal sealed class SmokeHarness : IDisposable
{
    public SmokeHarness()
    {
        Directory = Path.Combine(Path.GetTempPath(), "perftuner-smoke-tests", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }
    public string BaselinePath => Path.Combine(Directory, "perf-baseline.json");
    public string ReportDir => Path.Combine(Directory, "reports");

    /// <summary>Small workload: a few hundred points, 40 samples — enough for the statistics, quick on 2 cores.</summary>
    public static readonly string[] Fast =
    {
        "--points", "300", "--dimensions", "32", "--samples", "40", "--warmup", "3", "--qps-seconds", "0.3",
        "--recall-queries", "5", "--concurrency", "2", "--timeout-seconds", "20",
    };

    public async Task<(int ExitCode, string Output, SmokeRunner Runner)> RunAsync(IEnumerable<string> args,
        Action<string, string>? onProgress = null, CancellationToken ct = default)
    {
        var all = new List<string>(args) { "--baseline", BaselinePath, "--report-dir", ReportDir };
        SmokeOptions options = SmokeCommandLine.Parse(all);
        var writer = new CapturingWriter();
        var output = new SmokeOutput(writer) { OnProgress = onProgress };
        var runner = new SmokeRunner(options, output);
        int exit = await runner.RunAsync(ct);
        return (exit, writer.ToString(), runner);
    }

    /// <summary>A loopback port nobody listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The runner's dll next to the test binaries, for tests that start it as the MSBuild task does.</summary>
    public static string SmokeDll => typeof(SmokeRunner).Assembly.Location;

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
