namespace PerfTuner.Smoke.Statistics;

/// <summary>Result of a one-sided Mann–Whitney U test that the current samples tend to be larger than the baseline.</summary>
public sealed record MannWhitneyResult(double U, double Z, double PValue);

/// <summary>
/// Mann–Whitney U (Wilcoxon rank-sum) with the normal approximation, tie correction and continuity correction.
/// With the ≥ 200 samples per side the smoke takes, the normal approximation is accurate far below α = 0.01.
/// </summary>
public static class MannWhitneyU
{
    /// <summary>H1: values in <paramref name="current"/> are stochastically greater than in <paramref name="baseline"/>.</summary>
    public static MannWhitneyResult Greater(IReadOnlyList<double> baseline, IReadOnlyList<double> current)
    {
        int n1 = baseline.Count, n2 = current.Count;
        if (n1 == 0 || n2 == 0)
            throw new ArgumentException("both samples need at least one value");

        var all = new (double Value, bool IsCurrent)[n1 + n2];
        for (int i = 0; i < n1; i++) all[i] = (baseline[i], false);
        for (int i = 0; i < n2; i++) all[n1 + i] = (current[i], true);
        Array.Sort(all, (a, b) => a.Value.CompareTo(b.Value));

        // Average ranks over ties; collect Σ(t³ − t) for the variance correction.
        double rankSumCurrent = 0, tieTerm = 0;
        int n = all.Length;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && all[j + 1].Value == all[i].Value) j++;
            double averageRank = (i + j) / 2.0 + 1; // ranks are 1-based
            for (int k = i; k <= j; k++)
                if (all[k].IsCurrent) rankSumCurrent += averageRank;
            double t = j - i + 1;
            tieTerm += t * t * t - t;
            i = j + 1;
        }

        double u = rankSumCurrent - n2 * (n2 + 1) / 2.0;
        double mean = n1 * (double)n2 / 2.0;
        double variance = n1 * (double)n2 / 12.0 * ((n + 1) - tieTerm / (n * (double)(n - 1 == 0 ? 1 : n - 1)));
        if (variance <= 0)
            return new MannWhitneyResult(u, 0, 1.0); // every value identical: no evidence either way
        double z = (u - mean - 0.5) / Math.Sqrt(variance);
        return new MannWhitneyResult(u, z, Math.Clamp(NormalDistribution.UpperTail(z), 0, 1));
    }
}
