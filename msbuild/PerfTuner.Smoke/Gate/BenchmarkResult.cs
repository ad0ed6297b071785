using PerfTuner.Smoke.Statistics;

namespace PerfTuner.Smoke.Gate;

/// <summary>One benchmark's measurement in this run: per-call latencies in ms, and QPS/recall where the workload has them.</summary>
public sealed record BenchmarkResult(string Name, IReadOnlyList<double> SamplesMs, double? Qps = null, double? Recall = null)
{
    public LatencySummary Summary { get; } = LatencySummary.From(SamplesMs);
}

public enum Verdict
{
    /// <summary>No baseline entry to compare with.</summary>
    New,
    Pass,
    /// <summary>Faster beyond the tolerance, significantly.</summary>
    Improved,
    /// <summary>Looked like a regression; the re-measurement did not confirm it.</summary>
    NotConfirmed,
    Regressed,
}

/// <summary>The gate's view of one benchmark: the numbers it decided on and why.</summary>
public sealed record Comparison
{
    public required BenchmarkResult Current { get; init; }
    public Baselines.BaselineBenchmark? Baseline { get; init; }
    /// <summary>p95 current / p95 baseline.</summary>
    public double? Ratio { get; init; }
    /// <summary>One-sided Mann–Whitney U p-value for "current is slower".</summary>
    public double? PValue { get; init; }
    /// <summary>Lower (1 − α) bootstrap bound of the p95 ratio.</summary>
    public double? RatioLowerBound { get; init; }
    public bool LatencyRegressed { get; init; }
    public bool RecallRegressed { get; init; }
    public Verdict Verdict { get; init; }
    /// <summary>The re-measurement, when the first one was a suspected regression.</summary>
    public Comparison? Confirmation { get; init; }

    public string Name => Current.Name;
    public double? ChangePercent => Ratio is { } r ? (r - 1) * 100 : null;
    public bool Suspect => LatencyRegressed || RecallRegressed;
}
