using PerfTuner.Smoke.Baselines;
using PerfTuner.Smoke.Diagnostics;
using PerfTuner.Smoke.Gate;
using PerfTuner.Smoke.Workload;

namespace PerfTuner.Smoke.Reports;

/// <summary>Everything one run found out; the reports are views of it.</summary>
public sealed class RunRecord
{
    public string Tool { get; init; } = SmokeRunner.ToolName;
    public DateTimeOffset StartedUtc { get; init; } = DateTimeOffset.UtcNow;
    public double WallSeconds { get; set; }
    public int ExitCode { get; set; }
    public string BaselinePath { get; init; } = "";
    public bool BaselineWritten { get; set; }
    public string Endpoint { get; set; } = "";
    public string? Collection { get; set; }
    public WorkloadInfo? Workload { get; set; }
    public EnvironmentInfo? Environment { get; set; }
    public EnvironmentInfo? BaselineEnvironment { get; set; }
    public UpsertStats? Upsert { get; set; }
    /// <summary>1-minute load average after the measurement (Linux), for judging how quiet the machine was.</summary>
    public double? LoadAverage { get; set; }
    public List<Comparison> Comparisons { get; } = new();
    public List<BaselineBenchmark> NotMeasured { get; } = new();
    public List<(string Phase, double Seconds)> Phases { get; } = new();
    public IReadOnlyList<string> BenchmarkDotNetJson { get; set; } = Array.Empty<string>();
    public IReadOnlyList<SmokeDiagnostic> Diagnostics { get; set; } = Array.Empty<SmokeDiagnostic>();

    public string Result => ExitCode switch { 0 => "pass", 1 => "fail", _ => "error" };
}
