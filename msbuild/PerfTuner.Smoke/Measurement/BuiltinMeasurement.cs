using System.Runtime.ExceptionServices;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Diagnostics;
using PerfTuner.Smoke.Gate;
using PerfTuner.Smoke.Workload;
using Qdrant.Client;

namespace PerfTuner.Smoke.Measurement;

/// <summary>The built-in Qdrant workload: search latency via BenchmarkDotNet, then QPS and recall@k.</summary>
public sealed class BuiltinMeasurement(QdrantClient client, SmokeOptions options, SmokeOutput output, string artifactsPath) : IMeasurement
{
    private readonly QdrantWorkload _workload = new(client, options, output);
    private readonly List<string> _json = new();

    public QdrantWorkload Workload => _workload;
    public UpsertStats? Upsert { get; private set; }
    public IReadOnlyList<string> BenchmarkDotNetJson => _json;

    public async Task SetUpAsync(CancellationToken ct)
    {
        Upsert = await _workload.CreateAndLoadAsync(ct);
        await _workload.WaitUntilReadyAsync(TimeSpan.FromSeconds(Math.Max(options.TimeoutSeconds, 30)), ct);
    }

    public async Task<IReadOnlyList<BenchmarkResult>> MeasureAsync(IReadOnlyCollection<string>? only, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        _workload.SearchCancellation = ct;
        QdrantSearchBenchmark.Current = _workload;
        MeasuredRun run;
        try
        {
            // BenchmarkDotNet runs synchronously; keep it off the caller's context.
            run = await Task.Run(() => BdnRunner.Run(new[] { typeof(QdrantSearchBenchmark) }, Array.Empty<string>(),
                options.WarmupCount, options.Samples, TimeSpan.FromSeconds(Math.Max(60, options.TimeoutSeconds * 4)),
                artifactsPath, output, _ => QdrantSearchBenchmark.DisplayName), CancellationToken.None);
        }
        finally
        {
            QdrantSearchBenchmark.Current = null;
        }
        _json.AddRange(run.BenchmarkDotNetJson);
        ct.ThrowIfCancellationRequested();
        if (_workload.SearchFailure is { } failure)
            ExceptionDispatchInfo.Capture(failure).Throw();
        if (run.Benchmarks.Count == 0)
            throw new InvalidOperationException("the search benchmark produced no samples: " + string.Join("; ", run.Failures));

        double qps = await _workload.MeasureQpsAsync(ct);
        double recall = await _workload.MeasureRecallAsync(ct);
        return new[] { new BenchmarkResult(QdrantSearchBenchmark.DisplayName, run.Benchmarks[0].SamplesMs, qps, recall) };
    }

    public async ValueTask DisposeAsync() => await _workload.DeleteAsync(TimeSpan.FromSeconds(Math.Max(10, options.TimeoutSeconds)));
}
