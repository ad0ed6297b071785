using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Mathematics.OutlierDetection;

namespace PerfTuner.Smoke.Measurement;

/// <summary>
/// The one BenchmarkDotNet job every smoke benchmark runs with. Each iteration is exactly one call, so the
/// iteration times are per-request latencies and their p95 is the p95 a user sees:
/// Monitoring (no pilot stage, no overhead evaluation), InvocationCount = UnrollFactor = 1, all outliers kept,
/// an explicit warmup count, and the in-process emit toolchain (no generated project to build or process to start).
/// </summary>
public static class SmokeJob
{
    public static Job Create(int warmup, int samples, TimeSpan timeout) =>
        new Job("PerfTunerSmoke")
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(warmup)
            .WithIterationCount(samples)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithOutlierMode(OutlierMode.DontRemove)
            // A forced full GC between iterations would cost more than a search; latencies include GC as in production.
            .WithGcForce(false)
            .WithEvaluateOverhead(false)
            .WithToolchain(new InProcessEmitToolchain(timeout, logOutput: true));

    public static IConfig Config(Job job, ILogger logger, string artifactsPath) =>
        ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(logger)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithArtifactsPath(artifactsPath)
            // A project's benchmarks are often built in Debug by a plain `dotnet build`; measure them anyway
            // (the comparison is against a baseline built the same way) instead of refusing to run.
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.DisableLogFile);
}
