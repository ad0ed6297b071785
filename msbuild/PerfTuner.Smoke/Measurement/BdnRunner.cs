using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using PerfTuner.Smoke.Diagnostics;

namespace PerfTuner.Smoke.Measurement;

/// <summary>One benchmark's samples as BenchmarkDotNet measured them, in ms per call.</summary>
public sealed record MeasuredBenchmark(string Name, IReadOnlyList<double> SamplesMs);

/// <summary>What a BenchmarkDotNet run produced: samples per benchmark, its full JSON export, and failures.</summary>
public sealed record MeasuredRun(IReadOnlyList<MeasuredBenchmark> Benchmarks, IReadOnlyList<string> BenchmarkDotNetJson, IReadOnlyList<string> Failures);

/// <summary>Runs benchmark types with <see cref="SmokeJob"/> inside this process and collects per-call samples.</summary>
public static class BdnRunner
{
    public static MeasuredRun Run(IReadOnlyList<Type> types, IReadOnlyList<string> filters, int warmup, int samples,
        TimeSpan timeout, string artifactsPath, SmokeOutput output, Func<string, string> displayName)
    {
        using var logger = new ProgressLogger(output, Path.Combine(artifactsPath, "benchmarkdotnet.log"), samples, displayName);
        IConfig config = SmokeJob.Config(SmokeJob.Create(warmup, samples, timeout), logger, artifactsPath);
        if (filters.Count > 0)
            config = ((ManualConfig)config).AddFilter(new GlobFilter(filters.ToArray()));

        BenchmarkRunInfo[] runs = types
            .Select(t => BenchmarkConverter.TypeToBenchmarks(t, config))
            .Where(r => r.BenchmarksCases.Length > 0)
            .ToArray();
        if (runs.Length == 0)
            return new MeasuredRun(Array.Empty<MeasuredBenchmark>(), Array.Empty<string>(), new[] { "no benchmark matched" });

        Summary[] summaries = BenchmarkRunner.Run(runs);

        var measured = new List<MeasuredBenchmark>();
        var json = new List<string>();
        var failures = new List<string>();
        foreach (Summary summary in summaries)
        {
            foreach (var error in summary.ValidationErrors.Where(e => e.IsCritical))
                failures.Add(error.Message);
            var log = new AccumulationLogger();
            JsonExporter.Full.ExportToLog(summary, log);
            json.Add(output.Redact(log.GetLog()));
            foreach (BenchmarkReport report in summary.Reports)
            {
                string name = displayName(report.BenchmarkCase.Descriptor.Type.Name + "." + report.BenchmarkCase.Descriptor.WorkloadMethod.Name
                    + (report.BenchmarkCase.HasParameters ? report.BenchmarkCase.Parameters.DisplayInfo : ""));
                double[] values = report.AllMeasurements
                    .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Actual)
                    .Select(m => m.Nanoseconds / m.Operations / 1e6)
                    .ToArray();
                if (values.Length < samples)
                    failures.Add($"{name}: measured {values.Length} of {samples} samples (the benchmark threw; see benchmarkdotnet.log in the report folder)");
                else
                    measured.Add(new MeasuredBenchmark(name, values));
            }
        }
        return new MeasuredRun(measured, json, failures);
    }
}
