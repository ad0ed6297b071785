using BenchmarkDotNet.Attributes;
using PerfTuner.Smoke.Baselines;
using Qdrant.Client;

namespace PerfTuner.Smoke.Tests;

/// <summary>A project's own benchmark, as a user would write it: it finds Qdrant through QDRANT_URL.</summary>
public class SampleServiceBenchmarks
{
    private QdrantClient? _client;

    [GlobalSetup]
    public void Setup() => _client = new QdrantClient(new Uri(Environment.GetEnvironmentVariable("QDRANT_URL")!));

    [Benchmark]
    public Task ListCollections() => _client!.ListCollectionsAsync();

    [Benchmark]
    public int NotSelected() => 42;

    [GlobalCleanup]
    public void Cleanup() => _client?.Dispose();
}

public class ProjectBenchmarkTests
{
    [Fact]
    public async Task Runs_the_projects_benchmarks_with_the_same_per_call_job_against_the_embedded_server()
    {
        using var h = new SmokeHarness();
        string assembly = typeof(SampleServiceBenchmarks).Assembly.Location;
        var (exit, output, runner) = await h.RunAsync(new[] { "--benchmarks", assembly, "--filter", "*SampleServiceBenchmarks.ListCollections*", "--samples", "30", "--warmup", "2" });

        Assert.True(exit == 0, output);
        var c = Assert.Single(runner.Record.Comparisons);
        Assert.Equal("SampleServiceBenchmarks.ListCollections", c.Name);
        Assert.Equal(30, c.Current.SamplesMs.Count);
        Assert.Contains("[smoke] measure: SampleServiceBenchmarks.ListCollections 30/30", output);
        Baseline baseline = BaselineFile.Read(h.BaselinePath);
        Assert.Equal("project", baseline.Workload.Kind);
        Assert.Equal(Path.GetFileName(assembly), baseline.Workload.Settings["assembly"]);
    }

    [Fact]
    public async Task A_missing_assembly_is_a_usage_error()
    {
        using var h = new SmokeHarness();
        var (exit, output, _) = await h.RunAsync(new[] { "--benchmarks", Path.Combine(h.Directory, "nope.dll") });
        Assert.Equal(2, exit);
        Assert.Contains("PerfTuner : error PT1008: --benchmarks:", output);
    }
}
