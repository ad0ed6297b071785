using System.Text.Json;
using PerfTuner.LocalQdrant;
using PerfTuner.Smoke.Baselines;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.Smoke.Tests;

/// <summary>Real runs: BenchmarkDotNet in process, Qdrant.Client over gRPC, LocalQdrant on a loopback port.</summary>
public class EndToEndTests
{
    [Fact]
    public async Task Embedded_first_run_creates_the_baseline_passes_and_writes_every_report()
    {
        using var h = new SmokeHarness();
        string stepSummary = Path.Combine(h.Directory, "step-summary.md");
        File.WriteAllText(stepSummary, "# earlier step\n");
        Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", stepSummary);
        (int exit, string output, SmokeRunner runner) result;
        try
        {
            result = await h.RunAsync(SmokeHarness.Fast);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", null);
        }
        var (exit, output, runner) = result;

        Assert.True(exit == 0, output);
        string summary = File.ReadAllText(stepSummary);
        Assert.StartsWith("# earlier step\n", summary); // appended, not overwritten
        Assert.Contains("PerfTuner perf smoke: pass", summary);
        // A baseline created on a CI agent (CI=true, as in this repository's own CI run) is a warning, locally a message.
        string severity = SmokeRunner.IsCi() ? "warning" : "message";
        Assert.Contains($"{h.BaselinePath}(1,1): {severity} PT1007: baseline created", output);
        foreach (string phase in new[] { "[smoke] connect:", "[smoke] load:", "[smoke] warmup:", "[smoke] measure: search 40/40", "[smoke] qps:", "[smoke] recall:", "[smoke] compare:" })
            Assert.Contains(phase, output);

        Baseline baseline = BaselineFile.Read(h.BaselinePath);
        var b = Assert.Single(baseline.Benchmarks);
        Assert.Equal(("search", 40), (b.Name, b.N));
        Assert.Equal(40, b.SamplesMs.Count);
        Assert.True(b.P50Ms > 0 && b.P50Ms <= b.P95Ms && b.P95Ms <= b.P99Ms && b.P99Ms <= b.MaxMs);
        Assert.True(b.Qps > 0);
        Assert.Equal(1.0, b.Recall); // LocalQdrant searches exactly, so approximate = exact
        Assert.Equal("embedded", baseline.Environment.Endpoint);
        Assert.Contains("LocalQdrant", baseline.Environment.QdrantVersion);
        Assert.Equal("300", baseline.Workload.Settings["points"]);

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(h.ReportDir, "perf-smoke.json")));
        Assert.Equal("pass", json.RootElement.GetProperty("result").GetString());
        Assert.Equal("new", json.RootElement.GetProperty("benchmarks")[0].GetProperty("verdict").GetString());
        // BenchmarkDotNet's own full export is embedded, with the per-iteration measurements.
        var bdn = json.RootElement.GetProperty("benchmarkDotNet")[0];
        Assert.Contains("Measurements", bdn.GetProperty("Benchmarks")[0].EnumerateObject().Select(p => p.Name));
        Assert.Contains("PT1007", json.RootElement.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("code").GetString()));

        string md = File.ReadAllText(Path.Combine(h.ReportDir, "perf-smoke.md"));
        Assert.Contains("| search |", md);
        string html = File.ReadAllText(Path.Combine(h.ReportDir, "perf-smoke.html"));
        Assert.Contains("<svg", html);
        Assert.Contains("<polyline", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "").Replace(runner.Record.Endpoint, ""));
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
    }

    [Fact]
    public async Task Second_run_compares_and_an_injected_slowdown_fails_with_PT1001_at_the_baseline_entry()
    {
        using var h = new SmokeHarness();
        var (first, firstOutput, _) = await h.RunAsync(SmokeHarness.Fast);
        Assert.True(first == 0, firstOutput);
        BaselineBenchmark entry = BaselineFile.Read(h.BaselinePath).Benchmarks[0];

        // A fixed 100 ms per request on a millisecond search: far beyond tolerance, noise floor, chance — and beyond
        // the hiccups of a loaded CI machine, so the test cannot flake.
        var (exit, output, runner) = await h.RunAsync(SmokeHarness.Fast.Concat(new[] { "--local-args", "--latency-ms 100" }));
        Assert.True(exit == 1, output);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(h.BaselinePath)}\({entry.Line},{entry.Column}\): error PT1001: search p95 regressed \d+% \([\d.]+ ms → [\d.]+ ms, p < 0\.001\); confirmed by a re-measurement", output);
        Assert.Contains("[smoke] confirm:", output);
        Assert.Contains("REGRESSED", output);
        var c = Assert.Single(runner.Record.Comparisons);
        Assert.NotNull(c.Confirmation);
        Assert.True(c.Current.Summary.P50 > 100);
        // A failing run never rewrites the baseline.
        Assert.Equal(entry.P95Ms, BaselineFile.Read(h.BaselinePath).Benchmarks[0].P95Ms);
    }

    [Fact]
    public async Task A_different_workload_warns_PT1006_and_still_shows_the_comparison()
    {
        using var h = new SmokeHarness();
        Assert.Equal(0, (await h.RunAsync(SmokeHarness.Fast)).ExitCode);
        var (exit, output, runner) = await h.RunAsync(SmokeHarness.Fast.Concat(new[] { "--limit", "5", "--tolerance", "1000" }));
        Assert.True(exit == 0, output);
        Assert.Contains($"{h.BaselinePath}(1,1): warning PT1006: baseline was recorded for a different workload (limit '10' → '5')", output);
        var c = Assert.Single(runner.Record.Comparisons);
        Assert.NotNull(c.Ratio);
        Assert.Contains("baseline p95", output);
    }

    [Fact]
    public async Task Update_baseline_replaces_an_invalid_baseline()
    {
        using var h = new SmokeHarness();
        File.WriteAllText(h.BaselinePath, "{ not json");
        var (exit, output, _) = await h.RunAsync(SmokeHarness.Fast.Append("--update-baseline"));
        Assert.True(exit == 0, output);
        Assert.Contains($"{h.BaselinePath}(1,1): message PT1007: baseline updated", output);
        Assert.Equal("search", BaselineFile.Read(h.BaselinePath).Benchmarks[0].Name);
    }

    [Fact]
    public async Task Budgets_fail_with_PT1002_and_exit_1()
    {
        using var h = new SmokeHarness();
        var (exit, output, _) = await h.RunAsync(SmokeHarness.Fast.Concat(new[] { "--max-p95-ms", "0.001", "--min-qps", "1000000000" }));
        Assert.Equal(1, exit);
        Assert.Contains("PerfTuner : error PT1002: search p95", output);
        Assert.Contains("exceeds the budget of 0.00 ms (--max-p95-ms / PerfTunerMaxP95Ms)", output);
        Assert.Contains("PerfTuner : error PT1002: search throughput", output);
        Assert.True(File.Exists(h.BaselinePath), "a first run still records the baseline; the budgets are absolute");
    }

    [Fact]
    public async Task Unreachable_url_is_PT1003_within_the_timeout()
    {
        using var h = new SmokeHarness();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, output, _) = await h.RunAsync(new[] { "--url", $"http://127.0.0.1:{SmokeHarness.ClosedPort()}", "--timeout-seconds", "5" });
        Assert.Equal(2, exit);
        Assert.Contains("PerfTuner : error PT1003: Qdrant at http://127.0.0.1:", output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.DoesNotContain("   at ", output); // no stack trace
        Assert.False(File.Exists(h.BaselinePath));
        Assert.True(File.Exists(Path.Combine(h.ReportDir, "perf-smoke.json")), "even a failed run leaves a report saying why");
    }

    [Fact]
    public async Task Collection_is_deleted_after_a_failure_mid_run_and_other_collections_are_untouched()
    {
        await using var server = await LocalQdrantServer.StartAsync();
        using var client = new QdrantClient(server.GrpcUri);
        await client.CreateCollectionAsync("users_own_data", new VectorParams { Size = 4, Distance = Distance.Dot });

        using var h = new SmokeHarness();
        string? collection = null;
        var (exit, output, runner) = await h.RunAsync(SmokeHarness.Fast.Concat(new[] { "--url", server.GrpcUri.ToString() }), (phase, text) =>
        {
            if (phase == "qps") // after loading and measuring: the collection is full
            {
                collection = runner_collection(client).Result;
                throw new InvalidOperationException("injected failure");
            }
        });

        Assert.Equal(2, exit);
        Assert.Contains("PerfTuner : error PT1009: the perf smoke failed unexpectedly: InvalidOperationException: injected failure", output);
        Assert.NotNull(collection);
        Assert.StartsWith("perftuner_smoke_", collection);
        var left = await client.ListCollectionsAsync();
        Assert.Equal(new[] { "users_own_data" }, left);
        Assert.Contains($"[smoke] cleanup: deleted collection {collection}", output);
        Assert.Equal(collection, runner.Record.Collection);

        static async Task<string?> runner_collection(QdrantClient c) =>
            (await c.ListCollectionsAsync()).FirstOrDefault(n => n.StartsWith("perftuner_smoke_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancellation_during_measurement_stops_promptly_and_deletes_the_collection()
    {
        await using var server = await LocalQdrantServer.StartAsync();
        using var client = new QdrantClient(server.GrpcUri);
        using var cts = new CancellationTokenSource();
        using var h = new SmokeHarness();
        bool sawCollection = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan cancelledAt = default;

        var (exit, output, _) = await h.RunAsync(
            SmokeHarness.Fast.Concat(new[] { "--url", server.GrpcUri.ToString(), "--samples", "100000" }),
            (phase, text) =>
            {
                if (phase == "warmup" && !cts.IsCancellationRequested) // inside BenchmarkDotNet's run
                {
                    sawCollection = client.ListCollectionsAsync().Result.Any(n => n.StartsWith("perftuner_smoke_", StringComparison.Ordinal));
                    cancelledAt = clock.Elapsed;
                    cts.Cancel();
                }
            }, cts.Token);

        Assert.True(sawCollection);
        Assert.Equal(2, exit);
        Assert.Contains("PerfTuner : error PT1009: the perf smoke was cancelled", output);
        Assert.Empty(await client.ListCollectionsAsync());
        Assert.True(clock.Elapsed - cancelledAt < TimeSpan.FromSeconds(10), $"stopped {clock.Elapsed - cancelledAt} after the cancel");
        Assert.DoesNotContain("measure: search 100000/100000", output);
    }
}
