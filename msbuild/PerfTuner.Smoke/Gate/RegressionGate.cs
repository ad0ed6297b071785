using PerfTuner.Smoke.Baselines;
using PerfTuner.Smoke.Statistics;

namespace PerfTuner.Smoke.Gate;

/// <summary>Gate settings: what counts as a regression.</summary>
public sealed record GateSettings(double TolerancePercent = 10, double Alpha = 0.01, double NoiseFloorMs = 0.2, double RecallTolerance = 0.02);

/// <summary>
/// Decides per benchmark. A p95 regression needs all three of:
/// 1. p95 ratio &gt; 1 + tolerance (the change matters),
/// 2. statistical significance at α: the one-sided Mann–Whitney U test says the latencies shifted up (powerful
///    for a shift of the whole distribution), or the one-sided (1 − α) bootstrap bound of the p95 ratio is itself
///    above 1 + tolerance (a slower tail under an unchanged median, which a rank test barely sees; the stricter bar
///    keeps short bursts of tail noise on a busy machine from passing as regressions),
/// 3. p95 increase &gt; the noise floor in ms (sub-noise shifts of very fast calls are not actionable).
/// The caller re-measures a suspect and fails only when the re-measurement is a regression too.
/// </summary>
public static class RegressionGate
{
    public static Comparison Compare(BenchmarkResult current, BaselineBenchmark? baseline, GateSettings settings)
    {
        if (baseline is null)
            return new Comparison { Current = current, Verdict = Verdict.New };

        double baseP95 = baseline.P95Ms;
        double ratio = baseP95 > 0 ? current.Summary.P95 / baseP95 : double.PositiveInfinity;
        MannWhitneyResult slower = MannWhitneyU.Greater(baseline.SamplesMs, current.SamplesMs);
        double lowerBound = BootstrapRatio.LowerBound(baseline.SamplesMs, current.SamplesMs, 0.95, settings.Alpha);
        double delta = current.Summary.P95 - baseP95;

        bool latencyRegressed = ratio > 1 + settings.TolerancePercent / 100
            && (slower.PValue < settings.Alpha || lowerBound > 1 + settings.TolerancePercent / 100)
            && delta > settings.NoiseFloorMs;

        bool recallRegressed = baseline.Recall is { } baseRecall && current.Recall is { } recall
            && recall < baseRecall - settings.RecallTolerance;

        // "Improved" uses the mirror-image rule, so it is as trustworthy as a regression.
        MannWhitneyResult faster = MannWhitneyU.Greater(current.SamplesMs, baseline.SamplesMs);
        bool improved = !latencyRegressed && ratio < 1 - settings.TolerancePercent / 100
            && faster.PValue < settings.Alpha && -delta > settings.NoiseFloorMs;

        return new Comparison
        {
            Current = current,
            Baseline = baseline,
            Ratio = ratio,
            PValue = slower.PValue,
            RatioLowerBound = lowerBound,
            LatencyRegressed = latencyRegressed,
            RecallRegressed = recallRegressed,
            Verdict = latencyRegressed || recallRegressed ? Verdict.Regressed : improved ? Verdict.Improved : Verdict.Pass,
        };
    }

    /// <summary>Combines a suspect with its re-measurement: only what both show fails.</summary>
    public static Comparison Confirm(Comparison first, Comparison again)
    {
        bool latency = first.LatencyRegressed && again.LatencyRegressed;
        bool recall = first.RecallRegressed && again.RecallRegressed;
        return first with
        {
            LatencyRegressed = latency,
            RecallRegressed = recall,
            Verdict = latency || recall ? Verdict.Regressed : Verdict.NotConfirmed,
            Confirmation = again,
        };
    }
}
