namespace PerfTuner.Smoke.Statistics;

/// <summary>A percentile-bootstrap confidence bound of quantile(current) / quantile(baseline).</summary>
public static class BootstrapRatio
{
    /// <summary>
    /// One-sided lower (1 − α) bound of the ratio of the <paramref name="probability"/> quantiles, from
    /// <paramref name="resamples"/> paired resamples. Seeded, so the same samples always give the same bound.
    /// </summary>
    public static double LowerBound(IReadOnlyList<double> baseline, IReadOnlyList<double> current, double probability,
        double alpha, int resamples = 2000, int seed = 12345)
    {
        var random = new Random(seed);
        var ratios = new double[resamples];
        var a = new double[baseline.Count];
        var b = new double[current.Count];
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < a.Length; i++) a[i] = baseline[random.Next(a.Length)];
            for (int i = 0; i < b.Length; i++) b[i] = current[random.Next(b.Length)];
            Array.Sort(a);
            Array.Sort(b);
            double qa = Quantiles.Of(a, probability);
            ratios[r] = qa > 0 ? Quantiles.Of(b, probability) / qa : double.PositiveInfinity;
        }
        Array.Sort(ratios);
        return Quantiles.Of(ratios, alpha);
    }
}
