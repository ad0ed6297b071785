using BenchmarkDotNet.Environments;

namespace PerfTuner.Smoke.Measurement;

/// <summary>
/// BenchmarkDotNet describes the host in its summary and JSON export; finding the SDK version starts
/// `dotnet --version` (≈ 2 s on a busy 2-core machine) and the CPU model reads /proc and lscpu. Doing that on a
/// background thread while the server starts and the points load takes it off the smoke's critical path.
/// </summary>
internal static class HostInfoWarmup
{
    public static Task Start() => Task.Run(() =>
    {
        try
        {
            HostEnvironmentInfo info = HostEnvironmentInfo.GetCurrent();
            _ = info.DotNetSdkVersion.Value;
            _ = info.Cpu.Value;
        }
        catch (Exception)
        {
            // Only a head start: if it fails here, BenchmarkDotNet finds out (or reports "unknown") itself later.
        }
    });
}
