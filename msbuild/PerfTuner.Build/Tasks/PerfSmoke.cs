using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PerfTuner.Build.Tasks;

/// <summary>
/// Runs the perf-smoke runner (`dotnet exec PerfTuner.Smoke.dll …`) in its own process and turns the canonical
/// diagnostic lines it prints (`file(line,col): error PT1001: …`) into real MSBuild errors and warnings.
/// Deliberately thin: every decision (measuring, statistics, the verdict) belongs to the runner.
/// </summary>
public sealed class PerfSmoke : ToolTask
{
    /// <summary>The environment variable that carries an API key given through MSBuild to the runner.</summary>
    internal const string ApiKeyVariable = "PERFTUNER_QDRANT_API_KEY";

    /// <summary>Variables the MSBuild host sets for itself; a child `dotnet` that inherits them may pick the wrong SDK.</summary>
    internal static readonly string[] ClearedVariables =
    {
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBUILDENSURESTDOUTFORTASKPROCESSES",
        "MSBuildLoadMicrosoftTargetsReadOnly",
    };

    private Process? _runner;

    /// <summary>Full path of PerfTuner.Smoke.dll.</summary>
    [Required] public string RunnerPath { get; set; } = "";

    /// <summary>The dotnet host (usually $(DOTNET_HOST_PATH)); empty means `dotnet` from PATH.</summary>
    public string? DotnetHostPath { get; set; }

    /// <summary>The project directory: relative paths in the runner's output resolve against it.</summary>
    public string? WorkingDirectory { get; set; }

    public string? Url { get; set; }

    /// <summary>Passed to the runner only through the environment, never on its command line.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Name of the environment variable the runner reads the key from when <see cref="ApiKey"/> is empty.</summary>
    public string? ApiKeyEnvironmentVariable { get; set; }

    public string? Baseline { get; set; }
    public bool UpdateBaseline { get; set; }
    public string? Tolerance { get; set; }
    public string? ReportDir { get; set; }
    public string? BenchmarksAssembly { get; set; }
    public string? BenchmarksFilter { get; set; }
    public string? LocalArgs { get; set; }
    public string? TimeoutSeconds { get; set; }
    public string? NoiseFloorMs { get; set; }
    public string? Samples { get; set; }
    public string? Warmup { get; set; }

    public string? Points { get; set; }
    public string? Dimensions { get; set; }
    public string? Distance { get; set; }
    public string? HnswM { get; set; }
    public string? HnswEfConstruct { get; set; }
    public string? SearchEf { get; set; }
    public string? Limit { get; set; }
    public string? Concurrency { get; set; }

    public string? MaxP50Ms { get; set; }
    public string? MaxP95Ms { get; set; }
    public string? MaxP99Ms { get; set; }
    public string? MinQps { get; set; }
    public string? MinRecall { get; set; }

    public string? Alpha { get; set; }
    public string? RecallTolerance { get; set; }

    /// <summary>False passes --no-confirm: fail on the first measurement without re-measuring a suspect.</summary>
    public bool Confirm { get; set; } = true;

    public string? BatchSize { get; set; }
    public string? Seed { get; set; }
    public string? QpsSeconds { get; set; }
    public string? RecallQueries { get; set; }

    /// <summary>Extra runner options appended verbatim (PerfTunerSmokeArgs), for options without a property.</summary>
    public string? ExtraArgs { get; set; }

    /// <summary>How long a cancelled run may take to remove its temporary collection before it is killed.</summary>
    public int CancelGraceSeconds { get; set; } = 5;

    protected override string ToolName => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";

    /// <summary>The runner's table and progress are the point of running it: show them at normal verbosity.</summary>
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    protected override bool ValidateParameters()
    {
        if (!File.Exists(RunnerPath))
        {
            Log.LogError(null, "PT1008", null, null, 0, 0, 0, 0,
                "The PerfTuner perf-smoke runner was not found at '{0}'. Reinstall the PerfTuner package or set PerfTunerRunnerPath.",
                RunnerPath);
            return false;
        }
        return base.ValidateParameters();
    }

    protected override string GenerateFullPathToTool()
    {
        if (!string.IsNullOrWhiteSpace(DotnetHostPath) && File.Exists(DotnetHostPath))
            return DotnetHostPath!;
        // Visual Studio's MSBuild does not set DOTNET_HOST_PATH: look for the host on PATH.
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            try
            {
                string candidate = Path.Combine(dir.Trim('"'), ToolName);
                if (dir.Length > 0 && File.Exists(candidate))
                    return candidate;
            }
            catch (ArgumentException)
            {
                // A malformed PATH entry: skip it.
            }
        }
        return ToolName;
    }

    protected override string? GetWorkingDirectory() =>
        string.IsNullOrWhiteSpace(WorkingDirectory) ? base.GetWorkingDirectory() : WorkingDirectory;

    protected override string GenerateCommandLineCommands() => BuildCommandLine();

    /// <summary>The runner's command line; never contains the API key.</summary>
    internal string BuildCommandLine()
    {
        var args = new CommandLineBuilder();
        args.AppendSwitch("exec");
        args.AppendFileNameIfNotNull(RunnerPath);
        AppendIfSet(args, "--url", Url);
        string? keyEnv = !string.IsNullOrEmpty(ApiKey) ? ApiKeyVariable : ApiKeyEnvironmentVariable;
        AppendIfSet(args, "--api-key-env", keyEnv);
        AppendIfSet(args, "--baseline", Baseline);
        if (UpdateBaseline)
            args.AppendSwitch("--update-baseline");
        AppendIfSet(args, "--tolerance", Tolerance);
        AppendIfSet(args, "--report-dir", ReportDir?.TrimEnd('/', '\\'));
        if (!string.IsNullOrWhiteSpace(BenchmarksAssembly))
        {
            AppendIfSet(args, "--benchmarks", BenchmarksAssembly);
            AppendIfSet(args, "--filter", BenchmarksFilter);
        }
        // The runner rejects --local-args with a URL: the embedded server only exists without one.
        if (string.IsNullOrWhiteSpace(Url))
            AppendIfSet(args, "--local-args", LocalArgs);
        AppendIfSet(args, "--timeout-seconds", TimeoutSeconds);
        AppendIfSet(args, "--noise-floor-ms", NoiseFloorMs);
        AppendIfSet(args, "--samples", Samples);
        AppendIfSet(args, "--warmup", Warmup);
        AppendIfSet(args, "--points", Points);
        AppendIfSet(args, "--dimensions", Dimensions);
        AppendIfSet(args, "--distance", Distance);
        AppendIfSet(args, "--hnsw-m", HnswM);
        AppendIfSet(args, "--hnsw-ef-construct", HnswEfConstruct);
        AppendIfSet(args, "--search-ef", SearchEf);
        AppendIfSet(args, "--limit", Limit);
        AppendIfSet(args, "--concurrency", Concurrency);
        AppendIfSet(args, "--max-p50-ms", MaxP50Ms);
        AppendIfSet(args, "--max-p95-ms", MaxP95Ms);
        AppendIfSet(args, "--max-p99-ms", MaxP99Ms);
        AppendIfSet(args, "--min-qps", MinQps);
        AppendIfSet(args, "--min-recall", MinRecall);
        AppendIfSet(args, "--alpha", Alpha);
        AppendIfSet(args, "--recall-tolerance", RecallTolerance);
        if (!Confirm)
            args.AppendSwitch("--no-confirm");
        AppendIfSet(args, "--batch-size", BatchSize);
        AppendIfSet(args, "--seed", Seed);
        AppendIfSet(args, "--qps-seconds", QpsSeconds);
        AppendIfSet(args, "--recall-queries", RecallQueries);
        if (!string.IsNullOrWhiteSpace(ExtraArgs))
            args.AppendTextUnquoted(" " + ExtraArgs!.Trim());
        return args.ToString();
    }

    private static void AppendIfSet(CommandLineBuilder args, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return;
        // Not AppendFileNameIfNotNull: it would turn a value starting with '-' into "./-…".
        args.AppendSwitchIfNotNull(name + " ", value!.Trim());
    }

    protected override ProcessStartInfo GetProcessStartInfo(string pathToTool, string commandLineCommands, string responseFileSwitch)
    {
        ProcessStartInfo info = base.GetProcessStartInfo(pathToTool, commandLineCommands, responseFileSwitch);
        ConfigureEnvironment(info.Environment, ApiKey);
        return info;
    }

    /// <summary>Makes the child look like a user's own `dotnet` call and hands it the key out of band.</summary>
    internal static void ConfigureEnvironment(IDictionary<string, string> environment, string? apiKey)
    {
        foreach (string key in environment.Keys.ToArray())
        {
            if (ClearedVariables.Contains(key, StringComparer.OrdinalIgnoreCase))
                environment.Remove(key);
        }
        if (!string.IsNullOrEmpty(apiKey))
            environment[ApiKeyVariable] = apiKey!;
    }

    /// <summary>MSBuild 17.12+ calls this; earlier versions skip it and cancellation falls back to a plain kill.</summary>
    protected override Process StartToolProcess(Process proc)
    {
        Process started = base.StartToolProcess(proc);
        _runner = started;
        return started;
    }

    /// <summary>
    /// Ctrl+C in the build: ask the runner to stop the way a terminal would (SIGINT), so it can delete its temporary
    /// Qdrant collection, and kill it only if it has not exited after the grace period.
    /// </summary>
    public override void Cancel()
    {
        Process? runner = _runner;
        try
        {
            if (runner is not null && !runner.HasExited && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                Log.LogMessage(MessageImportance.High, "PerfTuner: cancelling the perf smoke (up to {0} s to remove its temporary collection).",
                    CancelGraceSeconds);
                if (NativeMethods.kill(runner.Id, NativeMethods.SIGINT) == 0)
                    runner.WaitForExit(Math.Max(0, CancelGraceSeconds) * 1000);
            }
        }
        catch (InvalidOperationException)
        {
            // The process already exited.
        }
        base.Cancel();
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        // Canonical lines ("file(1,1): error PT1001: …", "PerfTuner : warning PT1006: …") become real errors and
        // warnings with code, file and position; everything else (the table, progress) is a message.
        Log.LogMessageFromText(singleLine, messageImportance);
    }

    private static class NativeMethods
    {
        internal const int SIGINT = 2;

        [DllImport("libc", SetLastError = true)]
#pragma warning disable IDE1006 // the libc name
        internal static extern int kill(int pid, int sig);
#pragma warning restore IDE1006
    }
}
