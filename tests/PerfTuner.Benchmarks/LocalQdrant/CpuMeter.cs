using System.Diagnostics;

namespace PerfTuner.Benchmarks.LocalQdrant;

/// <summary>
/// Process CPU time per operation between setup and cleanup (client, server and BenchmarkDotNet's engine share the
/// process). Unlike wall time it barely moves when other processes load the machine, so it is printed next to the
/// latency tables as a load-independent cost figure.
/// </summary>
internal sealed class CpuMeter
{
    private TimeSpan _start;
    private long _operations;

    public void Start()
    {
        _start = Process.GetCurrentProcess().TotalProcessorTime;
        Interlocked.Exchange(ref _operations, 0);
    }

    public void Count(int operations = 1) => Interlocked.Add(ref _operations, operations);

    public void Report(string what)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _start;
        var operations = Interlocked.Read(ref _operations);
        if (operations > 0)
        {
            Console.WriteLine($"// LocalQdrant CPU: {what}: {cpu.TotalMilliseconds / operations:F3} ms CPU per operation over {operations} operations");
        }
    }
}
