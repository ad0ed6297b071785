using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Qdrant.Client;

namespace PerfTuner.LocalQdrant.Tests;

/// <summary>The built tool as a child process: its one stdout line, serving, clean exit on SIGTERM, and usage errors.</summary>
public sealed partial class CommandLineTests
{
    private static readonly string ToolPath = Path.Combine(AppContext.BaseDirectory, "PerfTuner.LocalQdrant.dll");

    [Fact]
    public async Task Prints_one_listening_line_serves_and_exits_cleanly_on_SIGTERM()
    {
        using var process = Start("--grpc-port", "0", "--http-port=0", "--latency-ms", "0");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var match = ListeningLine().Match(line ?? "");
            Assert.True(match.Success, $"unexpected first line: '{line}'");

            using (var client = new QdrantClient("127.0.0.1", int.Parse(match.Groups["grpc"].Value), https: false))
            {
                Assert.Contains("LocalQdrant", (await client.HealthAsync()).Title);
            }

            using (var http = new HttpClient())
            {
                Assert.Equal("healthz check passed", await http.GetStringAsync($"http://127.0.0.1:{match.Groups["http"].Value}/healthz"));
            }

            Terminate(process);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(OperatingSystem.IsWindows() ? -1 : 0, process.ExitCode);
            Assert.Equal("", await process.StandardOutput.ReadToEndAsync());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Theory]
    [InlineData("--latency-factor", "abc", "--latency-factor")]
    [InlineData("--latency-factor", "0.5", "between 1.0")]
    [InlineData("--grpc-port", "70000", "--grpc-port")]
    [InlineData("--latency-ms", "Nope=3", "unknown RPC 'Nope'")]
    [InlineData("--frobnicate", "1", "--frobnicate")]
    public async Task Bad_arguments_exit_2_with_one_clear_line_and_no_stack_trace(string option, string value, string expected)
    {
        using var process = Start(option, value);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("", await stdout);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("PerfTuner.LocalQdrant: error: argument ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", lines[0]);
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    private static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill();
            return;
        }

        Assert.Equal(0, SendSignal(process.Id, 15 /* SIGTERM */));
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [GeneratedRegex(@"^PerfTuner\.LocalQdrant listening grpc=http://127\.0\.0\.1:(?<grpc>\d+) http=http://127\.0\.0\.1:(?<http>\d+)$")]
    private static partial Regex ListeningLine();
}
