using PerfTuner.Build.Tests.Infrastructure;

namespace PerfTuner.Build.Tests;

/// <summary>(b)–(g): the perf smoke after `dotnet build`, from the packed package, on the embedded default.</summary>
[Collection(PackedPackageCollection.Name)]
public sealed class PerfSmokeTargetTests(PackedPackageFixture package)
{
    /// <summary>A small workload where the test is about MSBuild behaviour, not the measurement.</summary>
    private static readonly string[] Small =
    {
        "-p:PerfTunerSmoke=true", "-p:PerfTunerPoints=2000", "-p:PerfTunerDimensions=64", "-p:PerfTunerSamples=50",
        "-p:PerfTunerWarmup=5", "-p:PerfTunerQpsSeconds=0.5", "-p:PerfTunerRecallQueries=10",
    };

    /// <summary>
    /// For tests about when the smoke runs, not about its verdict: a tolerance so wide that a busy agent (other test
    /// projects build and run beside this suite) cannot turn a rerun into a regression.
    /// </summary>
    private static readonly string[] SmallLenient = Small.Append("-p:PerfTunerTolerance=1000").ToArray();

    private const string Ran = "PerfTuner: running the perf smoke";
    private const string Passed = "PerfTuner: perf smoke passed";
    private const string UpToDate = "PerfTuner: perf smoke up to date";

    [Fact]
    public async Task Smoke_on_the_embedded_default_passes_writes_the_baseline_and_reports()
    {
        string project = TestProjects.Library(package, "DefaultSmoke");

        CliResult build = await package.BuildAsync(project, "-p:PerfTunerSmoke=true");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(build.Count(Passed) == 1, $"expected 1 × \"{Passed}\"; " + build);
        Assert.Contains("embedded", build.Output);
        Assert.Contains("p95", build.Output); // the console table
        Assert.True(build.Diagnostics.Any(d => d.Code == "PT1007" && d.File.EndsWith("perf-baseline.json", StringComparison.Ordinal)), build.ToString());
        Assert.True(File.Exists(Path.Combine(project, "perf-baseline.json")), "the first run creates the baseline beside the project");
        Assert.True(File.Exists(Path.Combine(project, "obj", "perftuner", "perf-smoke.md")), "reports go to PerfTunerReportDir");
        Assert.False(build.Diagnostics.Any(d => d.Severity == "error"), build.ToString());
    }

    /// <summary>
    /// The plumbing from an injected regression to a failed build. The injected delay is deliberately large (200 ms per
    /// request, against searches of a few ms): on a loaded 2-core agent p95 swings by tens of ms, and this test must
    /// not flake. The gate's sensitivity to small regressions (latency factor 1.25) is measured by the runner's
    /// gate-quality benchmark, not here.
    /// </summary>
    [Fact]
    public async Task Injected_latency_regression_fails_the_build_with_PT1001()
    {
        string project = TestProjects.Library(package, "Regression");
        CliResult baseline = await package.BuildAsync(project, Small);
        Assert.True(baseline.ExitCode == 0, baseline.ToString());

        CliResult slower = await package.BuildAsync(project, Small.Append("-p:PerfTunerLocalQdrantArgs=--latency-ms 200").ToArray());

        Assert.True(slower.ExitCode != 0, slower.ToString());
        Assert.True(slower.Diagnostics.Any(d => d.Code == "PT1001" && d.Severity == "error" && d.File.EndsWith("perf-baseline.json", StringComparison.Ordinal)), slower.ToString());
        Assert.True(slower.Count(Passed) == 0, $"expected 0 × \"{Passed}\"; " + slower);
    }

    /// <summary>
    /// Ctrl+C during the measurement: MSBuild cancels the task, the task asks the runner to stop (SIGINT), the runner
    /// deletes its temporary collection and exits, and the build ends promptly as failed, leaving no runner behind.
    /// Only the `dotnet build` process gets the signal, so the task's own cancellation path is what is tested.
    /// </summary>
    [Fact]
    public async Task Ctrl_C_during_the_measurement_stops_the_runner_and_removes_its_collection()
    {
        if (OperatingSystem.IsWindows())
            return; // SIGINT is the POSIX path; Windows falls back to MSBuild's kill
        string project = TestProjects.Library(package, "Cancelled");
        // 20 ms per search × 2000 samples: the measurement would take 40 s, so the signal lands in the middle of it.
        string[] slow = Small.Concat(new[] { "-p:PerfTunerSamples=2000", "-p:PerfTunerLocalQdrantArgs=--latency-ms 20" }).ToArray();

        CliResult build = await package.BuildAsync(project, line => line.Contains("warmup: search", StringComparison.Ordinal), slow);

        Assert.True(build.Output.Contains("[test] SIGINT", StringComparison.Ordinal), "the measurement never started; " + build);
        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.True(build.Elapsed < TimeSpan.FromMinutes(2), build.ToString());
        Assert.Matches(@"deleted collection perftuner_smoke_\w+", build.Output);
        Assert.True(build.Count(Passed) == 0, build.ToString());
        Assert.False(File.Exists(Path.Combine(project, "perf-baseline.json")), "a cancelled run must not write a baseline; " + build);
        Assert.Empty(RunnersFor(project));
    }

    /// <summary>PerfTuner.Smoke processes still running for <paramref name="project"/> (their command line names its baseline).</summary>
    private static IEnumerable<int> RunnersFor(string project) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => (Pid: int.TryParse(Path.GetFileName(d), out int pid) ? pid : 0, Dir: d))
            .Where(p => p.Pid > 0)
            .Where(p =>
            {
                try
                {
                    string cmd = File.ReadAllText(Path.Combine(p.Dir, "cmdline")).Replace('\0', ' ');
                    return cmd.Contains("PerfTuner.Smoke", StringComparison.Ordinal) && cmd.Contains(project, StringComparison.Ordinal);
                }
                catch (IOException) { return false; }
                catch (UnauthorizedAccessException) { return false; }
            })
            .Select(p => p.Pid)
            .ToArray();

    [Fact]
    public async Task Malformed_baseline_fails_with_PT1004_at_its_line()
    {
        string project = TestProjects.Library(package, "BadBaseline");
        File.WriteAllText(Path.Combine(project, "perf-baseline.json"), "{\n  \"schemaVersion\": 1,\n  \"benchmarks\": [ oops ]\n}\n");

        CliResult build = await package.BuildAsync(project, Small);

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.True(build.Diagnostics.Any(d => d.Code == "PT1004" && d.Severity == "error" && d.File.EndsWith("perf-baseline.json", StringComparison.Ordinal) && d.Line == 3), build.ToString());
    }

    [Fact]
    public async Task Design_time_Visual_Studio_and_no_build_runs_never_run_the_smoke()
    {
        string project = TestProjects.Library(package, "DesignTime");

        CliResult designTime = await package.BuildAsync(project, Small.Append("-p:DesignTimeBuild=true").ToArray());
        Assert.True(designTime.ExitCode == 0, designTime.ToString());
        Assert.True(designTime.Count(Ran) == 0, $"expected 0 × \"{Ran}\"; " + designTime);

        CliResult insideVs = await package.BuildAsync(project, Small.Append("-p:BuildingInsideVisualStudio=true").ToArray());
        Assert.True(insideVs.ExitCode == 0, insideVs.ToString());
        Assert.True(insideVs.Count(Ran) == 0, $"expected 0 × \"{Ran}\"; " + insideVs);

        CliResult liveUnitTesting = await package.BuildAsync(project, Small.Append("-p:BuildingForLiveUnitTesting=true").ToArray());
        Assert.True(liveUnitTesting.ExitCode == 0, liveUnitTesting.ToString());
        Assert.True(liveUnitTesting.Count(Ran) == 0, $"expected 0 × \"{Ran}\"; " + liveUnitTesting);

        Assert.False(File.Exists(Path.Combine(project, "perf-baseline.json")), "no run means no baseline");

        // The same project does run it in an ordinary build, so the silence above is the skip, not a broken setup.
        CliResult normal = await package.BuildAsync(project, Small);
        Assert.True(normal.ExitCode == 0, normal.ToString());
        Assert.True(normal.Count(Passed) == 1, $"expected 1 × \"{Passed}\"; " + normal);
    }

    [Fact]
    public async Task Multi_targeted_project_runs_the_smoke_once()
    {
        string project = TestProjects.Library(package, "MultiTarget", "net8.0;net10.0");

        CliResult build = await package.BuildAsync(project, Small);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(build.Count(Ran) == 1, $"expected 1 × \"{Ran}\"; " + build);
        Assert.True(build.Count(Passed) == 1, $"expected 1 × \"{Passed}\"; " + build);
    }

    [Fact]
    public async Task Second_build_with_nothing_changed_skips_the_smoke_until_forced_or_changed()
    {
        string project = TestProjects.Library(package, "Incremental");

        CliResult first = await package.BuildAsync(project, SmallLenient);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(first.Count(Ran) == 1, $"expected 1 × \"{Ran}\"; " + first);

        CliResult second = await package.BuildAsync(project, SmallLenient);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(second.Count(Ran) == 0, $"expected 0 × \"{Ran}\"; " + second);
        Assert.True(second.Count(UpToDate) == 1, $"expected 1 × \"{UpToDate}\"; " + second);

        CliResult forced = await package.BuildAsync(project, SmallLenient.Append("-p:PerfTunerForce=true").ToArray());
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(forced.Count(Ran) == 1, $"expected 1 × \"{Ran}\"; " + forced);

        // A changed setting is a different measurement: it reruns (and warns that the baseline's workload differs).
        CliResult changed = await package.BuildAsync(project, SmallLenient.Append("-p:PerfTunerLimit=5").ToArray());
        Assert.True(changed.ExitCode == 0, changed.ToString());
        Assert.True(changed.Count(Ran) == 1, $"expected 1 × \"{Ran}\"; " + changed);
    }

    [Fact]
    public async Task No_build_never_builds_and_never_runs_the_smoke()
    {
        string project = TestProjects.Library(package, "NoBuild");
        CliResult build = await package.BuildAsync(project);
        Assert.True(build.ExitCode == 0, build.ToString());
        File.Delete(Path.Combine(project, "Greeter.cs"));
        File.WriteAllText(Path.Combine(project, "Broken.cs"), "this does not compile");

        // `dotnet pack --no-build` runs the package targets but must not compile (the source is now broken) or measure.
        CliResult pack = await DotnetCli.RunAsync(project, PackedPackageFixture.BuildTimeout, package.Environment,
            new[] { "pack", "--no-build", "-c", "Debug", "-nodeReuse:false", "-tl:off" }.Concat(Small).ToArray());

        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(pack.Count(Ran) == 0, $"expected 0 × \"{Ran}\"; " + pack);
    }
}
