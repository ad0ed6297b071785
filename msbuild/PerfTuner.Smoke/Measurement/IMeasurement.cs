using PerfTuner.Smoke.Gate;

namespace PerfTuner.Smoke.Measurement;

/// <summary>A workload that can be measured more than once (the gate re-measures suspects).</summary>
public interface IMeasurement : IAsyncDisposable
{
    Task SetUpAsync(CancellationToken ct);

    /// <summary>Measures all benchmarks, or only those named in <paramref name="only"/>.</summary>
    Task<IReadOnlyList<BenchmarkResult>> MeasureAsync(IReadOnlyCollection<string>? only, CancellationToken ct);

    /// <summary>BenchmarkDotNet's full JSON export of every run so far.</summary>
    IReadOnlyList<string> BenchmarkDotNetJson { get; }
}
