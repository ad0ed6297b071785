namespace PerfTuner.Smoke.Baselines;

/// <summary>
/// The committed baseline (perf-baseline.json). Schema version 1; see docs/perf-smoke.md for the format.
/// Samples are stored sorted and rounded to 0.1 µs, so the file is stable in diffs and exact to far better than 1 %.
/// </summary>
public sealed record Baseline
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public string Tool { get; init; } = "";
    public DateTimeOffset CreatedUtc { get; init; }
    public required WorkloadInfo Workload { get; init; }
    public required EnvironmentInfo Environment { get; init; }
    public required IReadOnlyList<BaselineBenchmark> Benchmarks { get; init; }
}

/// <summary>What was measured. Two runs are comparable only when their fingerprints match.</summary>
public sealed record WorkloadInfo
{
    /// <summary>"builtin" (the Qdrant workload) or "project" (an assembly's [Benchmark] methods).</summary>
    public required string Kind { get; init; }
    /// <summary>A hash of <see cref="Settings"/>.</summary>
    public required string Fingerprint { get; init; }
    public required IReadOnlyDictionary<string, string> Settings { get; init; }
}

/// <summary>Where it was measured. A different environment makes the comparison suspect (PT1006), not invalid.</summary>
public sealed record EnvironmentInfo
{
    public required string Machine { get; init; }
    public required int Cores { get; init; }
    public required string Os { get; init; }
    public required string Runtime { get; init; }
    public required string QdrantVersion { get; init; }
    /// <summary>"embedded" or "url".</summary>
    public required string Endpoint { get; init; }
}

public sealed record BaselineBenchmark
{
    public required string Name { get; init; }
    public required int N { get; init; }
    public required double P50Ms { get; init; }
    public required double P95Ms { get; init; }
    public required double P99Ms { get; init; }
    public required double MaxMs { get; init; }
    public double? Qps { get; init; }
    public double? Recall { get; init; }
    public required IReadOnlyList<double> SamplesMs { get; init; }
    /// <summary>Where this entry starts in the file it was read from (1-based), for diagnostics; 0 when not read from a file.</summary>
    public int Line { get; init; }
    public int Column { get; init; }
}
