using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Diagnostics;
using PerfTuner.Smoke.Gate;
using PerfTuner.Smoke.Workload;

namespace PerfTuner.Smoke.Measurement;

/// <summary>A project's own [Benchmark] methods, with QDRANT_URL (and the key) set for them.</summary>
public sealed class ProjectMeasurement(SmokeOptions options, SmokeOutput output, string artifactsPath, Uri qdrantUri, string? apiKey) : IMeasurement
{
    private readonly List<string> _json = new();
    private IReadOnlyList<Type> _types = Array.Empty<Type>();

    public IReadOnlyList<string> BenchmarkDotNetJson => _json;

    public Task SetUpAsync(CancellationToken ct)
    {
        _types = ProjectBenchmarks.Load(options.BenchmarksAssembly!);
        Environment.SetEnvironmentVariable("QDRANT_URL", qdrantUri.ToString().TrimEnd('/'));
        if (apiKey is not null)
            Environment.SetEnvironmentVariable("QDRANT_API_KEY", apiKey);
        output.Progress("load", $"{_types.Count} benchmark class(es) from {Path.GetFileName(options.BenchmarksAssembly)}; QDRANT_URL={SmokeCommandLine.Safe(qdrantUri.ToString())}");
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<BenchmarkResult>> MeasureAsync(IReadOnlyCollection<string>? only, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // A re-measurement narrows the user's filter to the suspects (names are Type.Method, as globs match).
        IReadOnlyList<string> filters = only is null ? options.Filters : only.Select(n => "*" + StripParameters(n)).Distinct().ToArray();
        MeasuredRun run = await Task.Run(() => BdnRunner.Run(_types, filters, options.WarmupCount, options.Samples,
            TimeSpan.FromSeconds(Math.Max(300, options.TimeoutSeconds * 10)), artifactsPath, output, n => n), CancellationToken.None);
        _json.AddRange(run.BenchmarkDotNetJson);
        ct.ThrowIfCancellationRequested();
        if (run.Failures.Count > 0)
            throw new InvalidOperationException("project benchmarks failed: " + string.Join("; ", run.Failures));
        return run.Benchmarks
            .Where(b => only is null || only.Contains(b.Name))
            .Select(b => new BenchmarkResult(b.Name, b.SamplesMs))
            .ToArray();
    }

    private static string StripParameters(string name) => name.IndexOf('(') is var i and > 0 ? name[..i] : name;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
