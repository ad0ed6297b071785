using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Diagnostics;

namespace PerfTuner.Smoke.GateQuality;

/// <summary>
/// Proves the gate: one baseline run, then N A/A runs (no change: every failure is a false alarm) interleaved with
/// N runs against LocalQdrant slowed by --latency-factor F (every pass is a missed regression). Each run is a
/// separate `dotnet exec PerfTuner.Smoke.dll` process, exactly as the MSBuild task starts it.
/// </summary>
public static class GateQualityCommand
{
    private sealed record RunOutcome(string Kind, int Index, int ExitCode, double? Ratio, double? PValue, string Verdict, double WallSeconds, double? LoadAverage);

    public static async Task<int> RunAsync(string[] args, SmokeOutput output, CancellationToken ct)
    {
        int runs = 20;
        double factor = 1.25;
        string? workDir = null;
        var pass = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new UsageException($"option '{a}' needs a value");
            switch (a)
            {
                case "--runs":
                    runs = int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int r) && r is > 0 and <= 1000 ? r : throw new UsageException("--runs needs a whole number from 1 to 1000");
                    break;
                case "--factor":
                    factor = double.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 1 && f < 100 ? f : throw new UsageException("--factor needs a number above 1");
                    break;
                case "--work-dir":
                    workDir = Next();
                    break;
                case "--url" or "--baseline" or "--update-baseline" or "--local-args" or "--report-dir" or "--benchmarks":
                    throw new UsageException($"gate-quality runs the embedded LocalQdrant with its own baselines and reports; '{a}' is not allowed here");
                default:
                    pass.Add(a);
                    break;
            }
        }
        SmokeOptions settings = SmokeCommandLine.Parse(pass); // validates the pass-through options before the long run starts
        workDir = Path.GetFullPath(workDir ?? Path.Combine("perftuner", "gate-quality"));
        Directory.CreateDirectory(workDir);
        string baseline = Path.Combine(workDir, "perf-baseline.json");
        var clock = Stopwatch.StartNew();

        output.Progress("gate-quality", $"baseline run ({string.Join(' ', pass)})");
        RunOutcome first = await RunSmokeAsync("baseline", 0, pass.Concat(new[] { "--baseline", baseline, "--update-baseline", "--report-dir", Path.Combine(workDir, "baseline") }), workDir, ct);
        if (first.ExitCode != 0)
        {
            output.Error(DiagnosticCodes.Internal, $"gate-quality: the baseline run failed with exit code {first.ExitCode}; see {Path.Combine(workDir, "baseline")}");
            return ExitCodes.Error;
        }

        // A factor stretches the server's handling time, which is at most the whole client-side latency: when even
        // (F − 1) × baseline p95 is under the noise floor, no correct gate may flag the slowed runs. Say so up front.
        double baselineP95 = Baselines.BaselineFile.Read(baseline).Benchmarks[0].P95Ms;
        double maxShift = (factor - 1) * baselineP95;
        output.Progress("gate-quality", $"baseline p95 {baselineP95:F3} ms: x{factor.ToString(CultureInfo.InvariantCulture)} adds at most {maxShift:F3} ms to it; noise floor {settings.NoiseFloorMs:0.###} ms, tolerance {settings.TolerancePercent:0.#}%");
        if (maxShift <= settings.NoiseFloorMs)
            output.Warning(DiagnosticCodes.DifferentWorkload, $"gate-quality: at this workload a x{factor.ToString(CultureInfo.InvariantCulture)} slowdown moves p95 by at most {maxShift:F3} ms, under the {settings.NoiseFloorMs:0.###} ms noise floor, so the gate is right not to flag it; use a heavier workload (e.g. --points 40000) to measure detection");

        var outcomes = new List<RunOutcome>();
        for (int i = 1; i <= runs; i++)
        {
            // Interleaved, so drift of a busy machine hits both kinds of run alike.
            RunOutcome aa = await RunSmokeAsync("A/A", i, pass.Concat(new[] { "--baseline", baseline, "--report-dir", Path.Combine(workDir, $"aa-{i:00}") }), workDir, ct);
            outcomes.Add(aa);
            output.Progress("gate-quality", $"A/A {i}/{runs}: exit {aa.ExitCode}, {Describe(aa)}");
            RunOutcome slow = await RunSmokeAsync("slow", i, pass.Concat(new[] { "--baseline", baseline, "--report-dir", Path.Combine(workDir, $"slow-{i:00}"),
                "--local-args", $"--latency-factor {factor.ToString(CultureInfo.InvariantCulture)}" }), workDir, ct);
            outcomes.Add(slow);
            output.Progress("gate-quality", $"x{factor.ToString(CultureInfo.InvariantCulture)} {i}/{runs}: exit {slow.ExitCode}, {Describe(slow)}");
        }

        var aaRuns = outcomes.Where(o => o.Kind == "A/A").ToList();
        var slowRuns = outcomes.Where(o => o.Kind == "slow").ToList();
        int falseAlarms = aaRuns.Count(o => o.ExitCode != 0);
        int detections = slowRuns.Count(o => o.ExitCode == 1);
        bool met = falseAlarms == 0 && detections >= (int)Math.Ceiling(runs * 0.95);
        string summary = Summary(runs, factor, pass, baselineP95, aaRuns, slowRuns, falseAlarms, detections, met, clock.Elapsed);
        File.WriteAllText(Path.Combine(workDir, "gate-quality.md"), summary);
        foreach (string line in summary.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            output.Info(line);
        return met ? ExitCodes.Pass : ExitCodes.Regression;
    }

    private static string Describe(RunOutcome o) =>
        (o.Ratio is { } r ? $"p95 ratio {r:F3}, {(o.PValue is { } p ? SmokeRunner.FormatP(p) : "-")}, verdict {o.Verdict}, {o.WallSeconds:F1} s" : $"no comparison, {o.WallSeconds:F1} s")
        + (o.LoadAverage is { } load ? $", load average {load:F1}" : "");

    private static string Summary(int runs, double factor, IReadOnlyList<string> pass, double baselineP95, List<RunOutcome> aa, List<RunOutcome> slow,
        int falseAlarms, int detections, bool met, TimeSpan elapsed)
    {
        static string Median(IEnumerable<double?> values)
        {
            var v = values.Where(x => x.HasValue).Select(x => x!.Value).Order().ToArray();
            return v.Length == 0 ? "-" : v[v.Length / 2].ToString("F3", CultureInfo.InvariantCulture);
        }
        var s = new StringBuilder();
        s.AppendLine($"gate quality: {runs} A/A runs, {runs} runs with --latency-factor {factor.ToString(CultureInfo.InvariantCulture)}; options: {(pass.Count == 0 ? "(defaults)" : string.Join(' ', pass))}");
        s.AppendLine($"  baseline p95 {baselineP95.ToString("F3", CultureInfo.InvariantCulture)} ms");
        s.AppendLine($"  false alarms: {falseAlarms}/{runs} (required 0)   median p95 ratio {Median(aa.Select(o => o.Ratio))}, range {Range(aa)}");
        s.AppendLine($"  detections:   {detections}/{runs} (required ≥ {(int)Math.Ceiling(runs * 0.95)})   median p95 ratio {Median(slow.Select(o => o.Ratio))}, range {Range(slow)}");
        s.AppendLine($"  errors (exit 2): {aa.Concat(slow).Count(o => o.ExitCode == 2)}; re-measured A/A suspects not confirmed: {aa.Count(o => o.Verdict == "notconfirmed")}");
        s.AppendLine($"  load average (1 min) at the end of the runs: median {Median(aa.Concat(slow).Select(o => o.LoadAverage))}, range {aa.Concat(slow).Where(o => o.LoadAverage.HasValue).Select(o => o.LoadAverage!.Value).DefaultIfEmpty().Min():F1}–{aa.Concat(slow).Where(o => o.LoadAverage.HasValue).Select(o => o.LoadAverage!.Value).DefaultIfEmpty().Max():F1}");
        s.AppendLine($"  median run wall time {Median(aa.Concat(slow).Select(o => (double?)o.WallSeconds))} s; total {elapsed.TotalMinutes:F1} min; machine {Environment.MachineName}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        s.AppendLine($"  result: {(met ? "targets met" : "TARGETS MISSED")}");
        return s.ToString();
    }

    private static string Range(List<RunOutcome> runs)
    {
        var r = runs.Where(o => o.Ratio.HasValue).Select(o => o.Ratio!.Value).ToArray();
        return r.Length == 0 ? "-" : $"{r.Min().ToString("F3", CultureInfo.InvariantCulture)}–{r.Max().ToString("F3", CultureInfo.InvariantCulture)}";
    }

    private static async Task<RunOutcome> RunSmokeAsync(string kind, int index, IEnumerable<string> args, string workDir, CancellationToken ct)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workDir };
        string self = typeof(GateQualityCommand).Assembly.Location;
        string host = Environment.ProcessPath ?? "dotnet";
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(self);
        }
        var argList = args.ToList();
        foreach (string a in argList) start.ArgumentList.Add(a);
        string reportDir = argList[argList.IndexOf("--report-dir") + 1];

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        Directory.CreateDirectory(reportDir);
        await File.WriteAllTextAsync(Path.Combine(reportDir, "console.log"), await stdout + await stderr, CancellationToken.None);

        double? ratio = null, p = null;
        string verdict = "-";
        string json = Path.Combine(reportDir, "perf-smoke.json");
        if (File.Exists(json))
        {
            using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(json, ct));
            if (doc.RootElement.TryGetProperty("benchmarks", out var benchmarks) && benchmarks.GetArrayLength() > 0)
            {
                var b = benchmarks[0];
                verdict = b.GetProperty("verdict").GetString() ?? "-";
                if (b.TryGetProperty("p95Ratio", out var r)) ratio = r.GetDouble();
                if (b.TryGetProperty("pValue", out var pv)) p = pv.GetDouble();
            }
        }
        return new RunOutcome(kind, index, process.ExitCode, ratio, p, verdict, clock.Elapsed.TotalSeconds, SmokeRunner.LoadAverage());
    }
}
