using PerfTuner.Smoke.Statistics;

namespace PerfTuner.Smoke.Tests;

public class StatisticsTests
{
    [Fact]
    public void Quantiles_interpolate_between_order_statistics_like_R_type_7()
    {
        double[] oneToHundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        Assert.Equal(50.5, Quantiles.Of(oneToHundred, 0.5), 10);
        Assert.Equal(95.05, Quantiles.Of(oneToHundred, 0.95), 10);
        Assert.Equal(99.01, Quantiles.Of(oneToHundred, 0.99), 10);
        Assert.Equal(1, Quantiles.Of(oneToHundred, 0), 10);
        Assert.Equal(100, Quantiles.Of(oneToHundred, 1), 10);
        Assert.Equal(7, Quantiles.Of(new[] { 7.0 }, 0.95), 10);
    }

    [Fact]
    public void Quantiles_of_a_large_exponential_sample_match_the_distribution()
    {
        // Exponential(mean 1): p50 = ln 2, p95 = ln 20, p99 = ln 100.
        var random = new Random(7);
        double[] sample = Quantiles.Sorted(Enumerable.Range(0, 200_000).Select(_ => -Math.Log(1 - random.NextDouble())));
        Assert.Equal(Math.Log(2), Quantiles.Of(sample, 0.50), 2);
        Assert.Equal(Math.Log(20), Quantiles.Of(sample, 0.95), 1);
        Assert.Equal(Math.Log(100), Quantiles.Of(sample, 0.99), 1);
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.959963985, 0.975)]
    [InlineData(-1.959963985, 0.025)]
    [InlineData(2.326347874, 0.99)]
    [InlineData(3.090232306, 0.999)]
    public void Normal_cdf_matches_tables(double z, double expected) =>
        Assert.Equal(expected, NormalDistribution.Cdf(z), 6);

    [Fact]
    public void Mann_Whitney_matches_a_hand_computed_example()
    {
        // Every current value above every baseline value: U = n1·n2 = 9, mean 4.5, σ² = 9·7/12 = 5.25,
        // z = (9 − 4.5 − 0.5)/√5.25 = 1.7457, one-sided p = 0.04043.
        var r = MannWhitneyU.Greater(new[] { 1.0, 2, 3 }, new[] { 4.0, 5, 6 });
        Assert.Equal(9, r.U);
        Assert.Equal(1.7457, r.Z, 3);
        Assert.Equal(0.04043, r.PValue, 4);
    }

    [Fact]
    public void Mann_Whitney_corrects_the_variance_for_ties()
    {
        // baseline {1,2,2}, current {2,3,3}. Ranks: 1→1, 2s→3 (ranks 2,3,4), 3s→5.5. Current rank sum 3+5.5+5.5 = 14,
        // U = 14 − 6 = 8. Ties: t=3 (the 2s) and t=2 (the 3s): Σ(t³−t) = 24 + 6 = 30.
        // σ² = 9/12 · (7 − 30/30) = 4.5; z = (8 − 4.5 − 0.5)/√4.5 = 1.41421; p = 0.078650.
        var r = MannWhitneyU.Greater(new[] { 1.0, 2, 2 }, new[] { 2.0, 3, 3 });
        Assert.Equal(8, r.U);
        Assert.Equal(1.41421, r.Z, 4);
        Assert.Equal(0.078650, r.PValue, 4);
    }

    [Fact]
    public void Mann_Whitney_rarely_rejects_samples_from_one_distribution()
    {
        // Under H0 p-values are uniform: at α = 0.01 about 1 % of 400 trials reject. Allow up to 3 %.
        var random = new Random(11);
        int rejections = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            double[] a = LogNormal(random, 200, 1.0), b = LogNormal(random, 200, 1.0);
            if (MannWhitneyU.Greater(a, b).PValue < 0.01) rejections++;
        }
        Assert.InRange(rejections, 0, 12);
    }

    [Fact]
    public void Mann_Whitney_detects_a_25_percent_slowdown_of_200_samples()
    {
        var random = new Random(3);
        double[] baseline = LogNormal(random, 200, 1.0), slower = LogNormal(random, 200, 1.25);
        Assert.True(MannWhitneyU.Greater(baseline, slower).PValue < 1e-4);
        Assert.True(MannWhitneyU.Greater(slower, baseline).PValue > 0.99); // the other direction is not "slower"
    }

    [Fact]
    public void Mann_Whitney_of_identical_constant_samples_is_not_significant()
    {
        var r = MannWhitneyU.Greater(Enumerable.Repeat(1.0, 50).ToArray(), Enumerable.Repeat(1.0, 50).ToArray());
        Assert.Equal(1.0, r.PValue);
    }

    [Fact]
    public void Bootstrap_bound_of_the_p95_ratio_brackets_the_true_ratio()
    {
        var random = new Random(5);
        double[] baseline = LogNormal(random, 400, 1.0);
        double lowSame = BootstrapRatio.LowerBound(baseline, LogNormal(random, 400, 1.0), 0.95, 0.01);
        double lowSlower = BootstrapRatio.LowerBound(baseline, LogNormal(random, 400, 1.5), 0.95, 0.01);
        Assert.True(lowSame < 1.0, $"same distribution: lower bound {lowSame} should be below 1");
        Assert.InRange(lowSlower, 1.05, 1.5); // true ratio 1.5; a 99 % lower bound sits below it but well above 1
    }

    [Fact]
    public void Bootstrap_is_deterministic_for_the_same_samples()
    {
        var random = new Random(9);
        double[] a = LogNormal(random, 100, 1), b = LogNormal(random, 100, 1.1);
        Assert.Equal(BootstrapRatio.LowerBound(a, b, 0.95, 0.01), BootstrapRatio.LowerBound(a, b, 0.95, 0.01));
    }

    internal static double[] LogNormal(Random random, int n, double scale) =>
        Enumerable.Range(0, n).Select(_ =>
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return scale * 2.0 * Math.Exp(0.3 * z); // median 2 ms × scale
        }).ToArray();
}
