namespace PerfTuner.Smoke.Statistics;

/// <summary>Sample quantiles by linear interpolation between order statistics (Hyndman-Fan type 7, R's default).</summary>
public static class Quantiles
{
    public static double Of(IReadOnlyList<double> sorted, double probability)
    {
        if (sorted.Count == 0)
            throw new ArgumentException("no samples", nameof(sorted));
        if (probability is < 0 or > 1 || double.IsNaN(probability))
            throw new ArgumentOutOfRangeException(nameof(probability));
        double h = (sorted.Count - 1) * probability;
        int lower = (int)Math.Floor(h);
        int upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
    }

    public static double[] Sorted(IEnumerable<double> values)
    {
        double[] copy = values.ToArray();
        Array.Sort(copy);
        return copy;
    }
}

/// <summary>The latency summary the gate and the reports use, in milliseconds.</summary>
public sealed record LatencySummary(int N, double P50, double P95, double P99, double Max, double Mean)
{
    public static LatencySummary From(IReadOnlyList<double> samplesMs)
    {
        double[] sorted = Quantiles.Sorted(samplesMs);
        return new LatencySummary(sorted.Length, Quantiles.Of(sorted, 0.50), Quantiles.Of(sorted, 0.95),
            Quantiles.Of(sorted, 0.99), sorted[^1], sorted.Average());
    }
}
