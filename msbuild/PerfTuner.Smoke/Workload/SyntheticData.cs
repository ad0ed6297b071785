namespace PerfTuner.Smoke.Workload;

/// <summary>
/// Seeded synthetic vectors: a mixture of Gaussian clusters, closer to real embeddings than uniform noise
/// (neighbourhoods exist, so recall@k means something). The same seed always gives the same data.
/// </summary>
public sealed class SyntheticData
{
    private readonly float[][] _centres;
    private readonly int _dimensions;
    private readonly int _seed;

    public SyntheticData(int dimensions, int seed, int clusters = 32)
    {
        _dimensions = dimensions;
        _seed = seed;
        var random = new Random(seed);
        _centres = Enumerable.Range(0, clusters).Select(_ => Gaussian(random, dimensions, 1.0f)).ToArray();
    }

    /// <summary>Point i of the collection (deterministic in i).</summary>
    public float[] Point(int index) => Around(new Random(Mix(index, 1)), 0.35f);

    /// <summary>Query i (a different stream from the points, so queries are not stored points).</summary>
    public float[] Query(int index) => Around(new Random(Mix(index, 2)), 0.35f);

    // HashCode.Combine is randomised per process; the data must be identical in every run.
    private int Mix(int index, int stream) => unchecked(((_seed * 1_000_003) ^ (index * 7919)) + stream * 104_729);

    private float[] Around(Random random, float spread)
    {
        float[] centre = _centres[random.Next(_centres.Length)];
        float[] v = Gaussian(random, _dimensions, spread);
        for (int i = 0; i < v.Length; i++) v[i] += centre[i];
        return v;
    }

    private static float[] Gaussian(Random random, int dimensions, float sigma)
    {
        var v = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            // Box–Muller
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            v[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return v;
    }
}
