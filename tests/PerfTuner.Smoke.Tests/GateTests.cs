using PerfTuner.Smoke.Baselines;
using PerfTuner.Smoke.Gate;

namespace PerfTuner.Smoke.Tests;

public class GateTests
{
    private static readonly GateSettings Defaults = new();

    private static BaselineBenchmark Base(double[] samples, double? recall = null)
    {
        var s = new BenchmarkResult("search", samples).Summary;
        return new BaselineBenchmark { Name = "search", N = s.N, P50Ms = s.P50, P95Ms = s.P95, P99Ms = s.P99, MaxMs = s.Max, Recall = recall, SamplesMs = samples };
    }

    [Fact]
    public void Same_distribution_passes()
    {
        var random = new Random(1);
        var c = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 200, 1)), Base(StatisticsTests.LogNormal(random, 200, 1)), Defaults);
        Assert.Equal(Verdict.Pass, c.Verdict);
        Assert.False(c.Suspect);
    }

    [Fact]
    public void A_25_percent_slowdown_is_a_regression_with_its_evidence()
    {
        var random = new Random(2);
        var c = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 200, 1.25)), Base(StatisticsTests.LogNormal(random, 200, 1)), Defaults);
        Assert.Equal(Verdict.Regressed, c.Verdict);
        Assert.True(c.LatencyRegressed);
        Assert.InRange(c.Ratio!.Value, 1.1, 1.45);
        Assert.True(c.PValue < 0.001);
        Assert.True(c.RatioLowerBound > 1);
    }

    [Fact]
    public void A_significant_shift_within_the_tolerance_passes()
    {
        var random = new Random(3);
        var c = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 2000, 1.05)), Base(StatisticsTests.LogNormal(random, 2000, 1)), Defaults);
        Assert.True(c.PValue < 0.01, "the 5 % shift is significant with 2000 samples");
        Assert.Equal(Verdict.Pass, c.Verdict);
    }

    [Fact]
    public void A_large_relative_shift_below_the_noise_floor_passes()
    {
        // 50 % slower, but the calls take ~20 µs: the p95 moves by ~0.01 ms, below the 0.2 ms floor.
        var random = new Random(4);
        double[] tiny(double scale) => StatisticsTests.LogNormal(random, 200, scale).Select(v => v / 100).ToArray();
        var c = RegressionGate.Compare(new BenchmarkResult("search", tiny(1.5)), Base(tiny(1)), Defaults);
        Assert.True(c.Ratio > 1.3);
        Assert.Equal(Verdict.Pass, c.Verdict);
        Assert.True(RegressionGate.Compare(new BenchmarkResult("search", tiny(1.5)), Base(tiny(1)), Defaults with { NoiseFloorMs = 0 }).LatencyRegressed);
    }

    [Fact]
    public void A_significant_speed_up_is_reported_as_improved()
    {
        var random = new Random(5);
        var c = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 200, 0.7)), Base(StatisticsTests.LogNormal(random, 200, 1)), Defaults);
        Assert.Equal(Verdict.Improved, c.Verdict);
    }

    [Fact]
    public void A_recall_drop_beyond_the_tolerance_regresses_even_when_faster()
    {
        var random = new Random(6);
        var c = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 200, 0.7), Recall: 0.90), Base(StatisticsTests.LogNormal(random, 200, 1), recall: 0.99), Defaults);
        Assert.True(c.RecallRegressed);
        Assert.False(c.LatencyRegressed);
        Assert.Equal(Verdict.Regressed, c.Verdict);
        var small = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 200, 1), Recall: 0.98), Base(StatisticsTests.LogNormal(random, 200, 1), recall: 0.99), Defaults);
        Assert.False(small.RecallRegressed);
    }

    [Fact]
    public void A_suspect_fails_only_when_the_re_measurement_confirms_it()
    {
        var random = new Random(7);
        var baseline = Base(StatisticsTests.LogNormal(random, 200, 1));
        var first = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 200, 1.3)), baseline, Defaults);
        Assert.True(first.Suspect);

        var calm = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 200, 1)), baseline, Defaults);
        var notConfirmed = RegressionGate.Confirm(first, calm);
        Assert.Equal(Verdict.NotConfirmed, notConfirmed.Verdict);
        Assert.False(notConfirmed.LatencyRegressed);

        var again = RegressionGate.Compare(new BenchmarkResult("search", StatisticsTests.LogNormal(random, 200, 1.3)), baseline, Defaults);
        var confirmed = RegressionGate.Confirm(first, again);
        Assert.Equal(Verdict.Regressed, confirmed.Verdict);
        Assert.Same(again, confirmed.Confirmation);
    }

    [Fact]
    public void Without_a_baseline_entry_the_benchmark_is_new()
    {
        var c = RegressionGate.Compare(new BenchmarkResult("search", new[] { 1.0, 2, 3 }), null, Defaults);
        Assert.Equal(Verdict.New, c.Verdict);
        Assert.Null(c.Ratio);
    }
}

public class TailRegressionTests
{
    [Fact]
    public void A_slower_tail_under_an_unchanged_median_is_caught_by_the_bootstrap_bound()
    {
        var random = new Random(8);
        double[] baseline = StatisticsTests.LogNormal(random, 400, 1);
        // The slowest 10 % of calls get 80 % slower; the median does not move.
        double[] current = StatisticsTests.LogNormal(random, 400, 1);
        double cut = Statistics.Quantiles.Of(Statistics.Quantiles.Sorted(current), 0.9);
        current = current.Select(v => v > cut ? v * 1.8 : v).ToArray();

        var baseEntry = new Baselines.BaselineBenchmark
        {
            Name = "search", N = baseline.Length, P50Ms = Statistics.Quantiles.Of(Statistics.Quantiles.Sorted(baseline), 0.5),
            P95Ms = Statistics.Quantiles.Of(Statistics.Quantiles.Sorted(baseline), 0.95), P99Ms = 0, MaxMs = baseline.Max(), SamplesMs = baseline,
        };
        var c = RegressionGate.Compare(new BenchmarkResult("search", current), baseEntry, new GateSettings());
        Assert.True(c.PValue > 0.01, $"the rank test alone would miss it (p = {c.PValue})");
        Assert.True(c.RatioLowerBound > 1.1, $"bootstrap bound {c.RatioLowerBound} must clear 1 + tolerance");
        Assert.True(c.LatencyRegressed);
    }
}
