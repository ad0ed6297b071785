namespace PerfTuner.Smoke.Cli;

public enum EndpointKind { Embedded, Url }

/// <summary>Everything a smoke run is configured with. Defaults match the MSBuild properties in DESIGN.md.</summary>
public sealed record SmokeOptions
{
    // Connection
    public string? Url { get; init; }
    public string ApiKeyEnv { get; init; } = "QDRANT_API_KEY";
    public IReadOnlyList<string> LocalArgs { get; init; } = Array.Empty<string>();
    public double TimeoutSeconds { get; init; } = 30;

    // Baseline and gate
    public string BaselinePath { get; init; } = "perf-baseline.json";
    public bool UpdateBaseline { get; init; }
    public double TolerancePercent { get; init; } = 10;
    public double Alpha { get; init; } = 0.01;
    public double NoiseFloorMs { get; init; } = 0.2;
    public double RecallTolerance { get; init; } = 0.02;
    public bool Confirm { get; init; } = true;

    // Absolute budgets (null = off)
    public double? MaxP50Ms { get; init; }
    public double? MaxP95Ms { get; init; }
    public double? MaxP99Ms { get; init; }
    public double? MinQps { get; init; }
    public double? MinRecall { get; init; }

    // Reports
    public string ReportDir { get; init; } = "perftuner";

    // Measurement (BenchmarkDotNet job)
    public int Samples { get; init; } = 200;
    public int WarmupCount { get; init; } = 20;

    // Project benchmarks instead of the built-in workload
    public string? BenchmarksAssembly { get; init; }
    public IReadOnlyList<string> Filters { get; init; } = Array.Empty<string>();

    // Built-in workload
    public int Points { get; init; } = 10_000;
    public int Dimensions { get; init; } = 384;
    public string Distance { get; init; } = "Cosine";
    public int HnswM { get; init; } = 16;
    public int HnswEfConstruct { get; init; } = 100;
    public int SearchEf { get; init; } = 100;
    public int Limit { get; init; } = 10;
    public int Concurrency { get; init; } = 4;
    public int BatchSize { get; init; } = 500;
    public int Seed { get; init; } = 42;
    public double QpsSeconds { get; init; } = 2;
    public int RecallQueries { get; init; } = 50;

    public EndpointKind EndpointKind => string.IsNullOrWhiteSpace(Url) ? EndpointKind.Embedded : EndpointKind.Url;
}
