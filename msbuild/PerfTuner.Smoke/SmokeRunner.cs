using System.Diagnostics;
using System.Globalization;
using PerfTuner.Smoke.Baselines;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Connection;
using PerfTuner.Smoke.Diagnostics;
using PerfTuner.Smoke.Gate;
using PerfTuner.Smoke.Measurement;
using PerfTuner.Smoke.Reports;

namespace PerfTuner.Smoke;

public static class ExitCodes
{
    public const int Pass = 0;
    public const int Regression = 1;
    public const int Error = 2;
}

/// <summary>
/// One perf-smoke run: read the baseline, connect, set up, measure, compare (re-measuring suspects), enforce
/// budgets, write the baseline when asked or missing, write the reports. Always cleans up what it created.
/// </summary>
public sealed class SmokeRunner(SmokeOptions options, SmokeOutput output)
{
    public static readonly string ToolName = "PerfTuner.Smoke " + (typeof(SmokeRunner).Assembly.GetName().Version?.ToString(3) ?? "0");

    public RunRecord Record { get; } = new() { BaselinePath = options.BaselinePath };

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        try
        {
            Record.ExitCode = await RunCoreAsync(ct);
        }
        catch (Exception e)
        {
            Record.ExitCode = TopLevel.Report(e, output, ct);
        }
        finally
        {
            Record.WallSeconds = wall.Elapsed.TotalSeconds;
            Record.Diagnostics = output.Diagnostics;
            WriteReports();
        }
        return Record.ExitCode;
    }

    private async Task<int> RunCoreAsync(CancellationToken ct)
    {
        string? apiKey = Environment.GetEnvironmentVariable(options.ApiKeyEnv);
        output.AddSecret(apiKey);
        if (string.IsNullOrEmpty(apiKey)) apiKey = null;
        Record.Workload = Fingerprints.Workload(options);
        _ = HostInfoWarmup.Start();

        // 1. Baseline first: a broken file is a configuration error worth reporting before any slow work.
        Baseline? baseline = null;
        if (File.Exists(options.BaselinePath))
        {
            try
            {
                baseline = BaselineFile.Read(options.BaselinePath);
                output.Progress("baseline", $"{options.BaselinePath}: {baseline.Benchmarks.Count} benchmark(s), recorded {baseline.CreatedUtc:yyyy-MM-dd HH:mm} UTC on {baseline.Environment.Machine}");
            }
            catch (Exception e) when (e is JsonLocationException or IOException or UnauthorizedAccessException)
            {
                var (line, column) = e is JsonLocationException j ? (j.Line, j.Column) : (1, 1);
                if (!options.UpdateBaseline)
                {
                    output.Error(DiagnosticCodes.BaselineInvalid, $"baseline is invalid: {e.Message} (fix it, or re-create it with --update-baseline)", options.BaselinePath, line, column);
                    return ExitCodes.Error;
                }
                output.Progress("baseline", $"{options.BaselinePath} is unreadable ({e.Message}); --update-baseline replaces it");
            }
        }
        else
        {
            output.Progress("baseline", $"{options.BaselinePath} does not exist yet; this run creates it");
        }

        // 2. Connect (embedded server or URL).
        var phase = Stopwatch.StartNew();
        await using SmokeEndpoint endpoint = await SmokeEndpoint.ConnectAsync(options, apiKey, output, ct);
        Record.Endpoint = endpoint.Kind == EndpointKind.Embedded ? "embedded " + SmokeCommandLine.Safe(endpoint.GrpcUri.ToString()) : SmokeCommandLine.Safe(endpoint.GrpcUri.ToString());
        Record.Environment = Fingerprints.Environment(endpoint.Kind, endpoint.QdrantVersion);
        Mark("connect", phase);

        if (baseline is not null)
            CheckComparable(baseline);

        // 3. Set up and measure.
        string artifacts = Path.Combine(options.ReportDir, "benchmarkdotnet");
        IMeasurement measurement = options.BenchmarksAssembly is null
            ? new BuiltinMeasurement(endpoint.Client, options, output, artifacts)
            : new ProjectMeasurement(options, output, artifacts, endpoint.GrpcUri, apiKey);
        await using (measurement)
        {
            try
            {
                await measurement.SetUpAsync(ct);
                if (measurement is BuiltinMeasurement builtin)
                {
                    Record.Collection = builtin.Workload.CollectionName;
                    Record.Upsert = builtin.Upsert;
                }
                Mark("load", phase);

                IReadOnlyList<BenchmarkResult> results = await measurement.MeasureAsync(null, ct);
                Mark("measure", phase);

                // 4. Compare; a suspect is measured again and fails only when confirmed.
                output.Progress("compare", baseline is null || options.UpdateBaseline ? "no comparison (new baseline)" : $"against {options.BaselinePath}");
                var settings = new GateSettings(options.TolerancePercent, options.Alpha, options.NoiseFloorMs, options.RecallTolerance);
                var comparisons = results
                    .Select(r => RegressionGate.Compare(r, options.UpdateBaseline ? null : baseline?.Benchmarks.FirstOrDefault(b => b.Name == r.Name), settings))
                    .ToList();
                var suspects = comparisons.Where(c => c.Suspect).Select(c => c.Name).ToArray();
                if (suspects.Length > 0 && options.Confirm)
                {
                    output.Progress("confirm", $"suspected regression in {string.Join(", ", suspects)}; measuring again");
                    var again = await measurement.MeasureAsync(suspects, ct);
                    for (int i = 0; i < comparisons.Count; i++)
                    {
                        if (!comparisons[i].Suspect) continue;
                        BenchmarkResult? second = again.FirstOrDefault(r => r.Name == comparisons[i].Name);
                        comparisons[i] = second is null
                            ? comparisons[i]
                            : RegressionGate.Confirm(comparisons[i], RegressionGate.Compare(second, comparisons[i].Baseline, settings));
                    }
                    Mark("confirm", phase);
                }
                Record.Comparisons.AddRange(comparisons);
                if (baseline is not null && !options.UpdateBaseline)
                    Record.NotMeasured.AddRange(baseline.Benchmarks.Where(b => results.All(r => r.Name != b.Name)));
            }
            finally
            {
                Record.BenchmarkDotNetJson = measurement.BenchmarkDotNetJson;
            }
        }
        Mark("cleanup", phase);

        WarnIfBusy(baseline is null || options.UpdateBaseline);
        ReportVerdicts();
        CheckBudgets();
        ConsoleTable.Write(Record, output);

        // 5. Baseline: created when missing, replaced on request.
        if (baseline is null || options.UpdateBaseline)
            WriteBaseline(created: baseline is null && !options.UpdateBaseline);

        return output.HasErrors ? ExitCodes.Regression : ExitCodes.Pass;
    }

    private void CheckComparable(Baseline baseline)
    {
        Record.BaselineEnvironment = baseline.Environment;
        var workload = Fingerprints.Differences(baseline.Workload, Record.Workload!);
        var environment = Fingerprints.Differences(baseline.Environment, Record.Environment!);
        if (options.UpdateBaseline) return;
        if (workload.Count > 0)
            output.Warning(DiagnosticCodes.DifferentWorkload, $"baseline was recorded for a different workload ({string.Join(", ", workload)}); the comparison is shown but may not be meaningful — re-create it with --update-baseline", options.BaselinePath, 1, 1);
        if (environment.Count > 0)
            output.Warning(DiagnosticCodes.DifferentWorkload, $"baseline was recorded in a different environment ({string.Join(", ", environment)}); the comparison is shown but may not be meaningful", options.BaselinePath, 1, 1);
    }

    /// <summary>
    /// Latencies measured on an oversubscribed machine say more about its other tenants than about the code: say
    /// so (PT1006) rather than let such a run pass or fail silently.
    /// </summary>
    private void WarnIfBusy(bool recordingBaseline)
    {
        Record.LoadAverage = LoadAverage();
        if (Record.LoadAverage is not { } load || load / Environment.ProcessorCount <= BusyLoadPerCore) return;
        string what = recordingBaseline ? "the new baseline may be too slow to catch regressions" : "a pass or fail may reflect the machine's other work rather than the code";
        output.Warning(DiagnosticCodes.DifferentWorkload,
            $"the machine was busy during the measurement (load average {load:F1} on {Environment.ProcessorCount} cores); {what}",
            options.BaselinePath, 1, 1);
    }

    /// <summary>Runnable threads per core above which latencies mostly measure waiting for a CPU.</summary>
    public const double BusyLoadPerCore = 2.0;

    /// <summary>The 1-minute load average on Linux; null elsewhere.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg")
                ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private void ReportVerdicts()
    {
        foreach (Comparison c in Record.Comparisons)
        {
            BaselineBenchmark? b = c.Baseline;
            if (b is null) continue;
            string confirmed = c.Confirmation is { } again ? $"; confirmed by a re-measurement: {Ms(again.Current.Summary.P95)} ms" : "";
            if (c.LatencyRegressed)
                output.Error(DiagnosticCodes.P95Regression,
                    $"{c.Name} p95 regressed {c.ChangePercent:F0}% ({Ms(b.P95Ms)} ms → {Ms(c.Current.Summary.P95)} ms, {FormatP(c.PValue!.Value)}){confirmed}",
                    options.BaselinePath, b.Line, b.Column);
            if (c.RecallRegressed)
                output.Error(DiagnosticCodes.RecallRegression,
                    $"{c.Name} recall@{options.Limit} dropped from {b.Recall:F3} to {c.Current.Recall:F3} (allowed drop {options.RecallTolerance:0.###}){confirmed}",
                    options.BaselinePath, b.Line, b.Column);
            if (c.Verdict == Verdict.NotConfirmed)
                output.Progress("compare", $"{c.Name}: the first measurement looked slower (p95 {Ms(c.Current.Summary.P95)} ms) but the re-measurement ({Ms(c.Confirmation!.Current.Summary.P95)} ms) did not confirm it");
        }
        foreach (BaselineBenchmark missing in Record.NotMeasured)
            output.Warning(DiagnosticCodes.DifferentWorkload, $"benchmark {missing.Name} is in the baseline but was not measured in this run", options.BaselinePath, missing.Line, missing.Column);
    }

    private void CheckBudgets()
    {
        foreach (Comparison c in Record.Comparisons)
        {
            var s = c.Current.Summary;
            void Over(string what, double value, double? limit, string option)
            {
                if (limit is { } max && value > max)
                    output.Error(DiagnosticCodes.BudgetExceeded, $"{c.Name} {what} {Ms(value)} ms exceeds the budget of {Ms(max)} ms ({option})");
            }
            Over("p50", s.P50, options.MaxP50Ms, "--max-p50-ms / PerfTunerMaxP50Ms");
            Over("p95", s.P95, options.MaxP95Ms, "--max-p95-ms / PerfTunerMaxP95Ms");
            Over("p99", s.P99, options.MaxP99Ms, "--max-p99-ms / PerfTunerMaxP99Ms");
            if (options.MinQps is { } minQps && c.Current.Qps is { } qps && qps < minQps)
                output.Error(DiagnosticCodes.BudgetExceeded, $"{c.Name} throughput {qps:F0} QPS is below the budget of {minQps:0.##} QPS (--min-qps / PerfTunerMinQps)");
            if (options.MinRecall is { } minRecall && c.Current.Recall is { } recall && recall < minRecall)
                output.Error(DiagnosticCodes.BudgetExceeded, $"{c.Name} recall@{options.Limit} {recall:F3} is below the budget of {minRecall:0.###} (--min-recall / PerfTunerMinRecall)");
        }
    }

    private void WriteBaseline(bool created)
    {
        var baseline = new Baseline
        {
            Tool = ToolName,
            CreatedUtc = DateTimeOffset.UtcNow,
            Workload = Record.Workload!,
            Environment = Record.Environment!,
            Benchmarks = Record.Comparisons.Select(c => new BaselineBenchmark
            {
                Name = c.Name,
                N = c.Current.SamplesMs.Count,
                P50Ms = c.Current.Summary.P50,
                P95Ms = c.Current.Summary.P95,
                P99Ms = c.Current.Summary.P99,
                MaxMs = c.Current.Summary.Max,
                Qps = c.Current.Qps,
                Recall = c.Current.Recall,
                SamplesMs = c.Current.SamplesMs,
            }).ToArray(),
        };
        BaselineFile.Write(options.BaselinePath, baseline);
        Record.BaselineWritten = true;

        // On a CI agent a freshly created baseline vanishes with the agent, so every run would pass without a
        // comparison: warn there. Locally (or when asked for with --update-baseline) it is information.
        bool onCi = created && IsCi();
        string text = created
            ? $"baseline created with {baseline.Benchmarks.Count} benchmark(s); commit it so later builds are compared against it{(onCi ? " (created on a CI agent: this build was not gated)" : "")}"
            : $"baseline updated with {baseline.Benchmarks.Count} benchmark(s); commit the change";
        output.Report(new SmokeDiagnostic(DiagnosticCodes.BaselineWritten, onCi ? Severity.Warning : Severity.Message, text, options.BaselinePath, 1, 1));
    }

    internal static bool IsCi() =>
        new[] { "CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "TEAMCITY_VERSION", "BUILDKITE" }
            .Any(v => Environment.GetEnvironmentVariable(v) is { Length: > 0 } value && !value.Equals("false", StringComparison.OrdinalIgnoreCase));

    private void Mark(string name, Stopwatch phase)
    {
        Record.Phases.Add((name, phase.Elapsed.TotalSeconds));
        phase.Restart();
    }

    private void WriteReports()
    {
        try
        {
            Directory.CreateDirectory(options.ReportDir);
            ReportWriter.WriteAll(Record, options, output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.Warning(DiagnosticCodes.Usage, $"could not write the reports to {options.ReportDir}: {e.Message}");
        }
    }

    public static string Ms(double value) => value.ToString(value >= 100 ? "F0" : value >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture);

    public static string FormatP(double p) => p < 0.001 ? "p < 0.001" : "p = " + p.ToString("0.###", CultureInfo.InvariantCulture);
}
