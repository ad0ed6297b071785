using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PerfTuner.Build.Tests.Infrastructure;

/// <summary>The outcome of one `dotnet` command: exit code and everything it printed.</summary>
public sealed record CliResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    private static readonly Regex Canonical = new(
        @"^\s*(?<file>.*?)(\((?<line>\d+),(?<column>\d+)\))?\s*:\s*(?<severity>warning|error|message)\s+(?<code>PT\d{4})\s*:",
        RegexOptions.Compiled | RegexOptions.Multiline);

    /// <summary>Diagnostics with a PT code, de-duplicated (the console logger repeats them in its summary).</summary>
    public IReadOnlyList<BuildDiagnostic> Diagnostics =>
        Canonical.Matches(Output)
            .Select(m => new BuildDiagnostic(
                m.Groups["code"].Value,
                m.Groups["severity"].Value,
                m.Groups["file"].Value.Trim(),
                m.Groups["line"].Success ? int.Parse(m.Groups["line"].Value) : 0))
            .Distinct()
            .ToArray();

    public int Count(string text) => Regex.Matches(Output, Regex.Escape(text)).Count;

    public override string ToString() => $"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:F0} s:\n{Output}";
}

public sealed record BuildDiagnostic(string Code, string Severity, string File, int Line);

/// <summary>
/// Runs `dotnet` like a user's shell would: none of the MSBuild variables the test host inherited, no Qdrant
/// settings, the classic console logger (parsable), no lingering build servers, and a hard timeout.
/// </summary>
public static class DotnetCli
{
    private static readonly string[] InheritedMsBuildVariables =
    {
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly",
        "MSBUILDNOINPROCNODE", "MSBUILDENSURESTDOUTFORTASKPROCESSES", "QDRANT_URL", "QDRANT_API_KEY",
        "PERFTUNER_QDRANT_API_KEY",
    };

    public static string Host =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static Task<CliResult> RunAsync(string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunAsync(workingDirectory, timeout, environment, interruptWhen: null, args);

    /// <summary>
    /// Like <see cref="RunAsync(string, TimeSpan, IReadOnlyDictionary{string, string}?, string[])"/>, and sends the
    /// process SIGINT (what Ctrl+C in a terminal sends) once, at the first output line <paramref name="interruptWhen"/>
    /// accepts. Linux and macOS only.
    /// </summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment, Func<string, bool>? interruptWhen, params string[] args)
    {
        // A background job of a non-interactive shell (`cmd &` in a script, some CI agents) starts with SIGINT ignored,
        // every child inherits that, and .NET then never raises Console.CancelKeyPress: `dotnet build` would not see
        // the signal at all. GNU env resets it to the default for the one process that must receive it.
        bool resetSigInt = interruptWhen is not null && SigIntIgnored();
        var info = new ProcessStartInfo(resetSigInt ? "env" : Host)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (resetSigInt)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add(Host);
        }
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        foreach (string name in info.Environment.Keys.ToArray())
        {
            if (InheritedMsBuildVariables.Contains(name, StringComparer.OrdinalIgnoreCase))
                info.Environment.Remove(name);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["MSBUILDTERMINALLOGGER"] = "off";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;

        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        int interrupted = 0;
        void Interrupt(string line)
        {
            if (interruptWhen is not null && interruptWhen(line) && Interlocked.Exchange(ref interrupted, 1) == 0)
            {
                lock (output)
                    output.AppendLine($"[test] SIGINT to dotnet after {stopwatch.Elapsed.TotalSeconds:F1} s");
                _ = NativeMethods.kill(process.Id, NativeMethods.SIGINT);
            }
        }
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) output.AppendLine(e.Data); Interrupt(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output)
                output.AppendLine($"[test] killed after the {timeout.TotalSeconds:F0} s timeout");
            return new CliResult($"dotnet {string.Join(' ', args)}", -1, output.ToString(), stopwatch.Elapsed);
        }
        process.WaitForExit(); // drains the asynchronous output readers
        lock (output)
            return new CliResult($"dotnet {string.Join(' ', args)}", process.ExitCode, output.ToString(), stopwatch.Elapsed);
    }

    /// <summary>Whether this process ignores SIGINT (Linux lists ignored signals in /proc/self/status as a hex mask).</summary>
    private static bool SigIntIgnored()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (NativeMethods.SIGINT - 1))) != 0;
    }
}

internal static class NativeMethods
{
    internal const int SIGINT = 2;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
#pragma warning disable IDE1006 // the libc name
    internal static extern int kill(int pid, int sig);
#pragma warning restore IDE1006
}
