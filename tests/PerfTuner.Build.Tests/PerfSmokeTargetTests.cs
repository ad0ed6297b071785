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

    private const string Ran = "[smoke] connect:";
    private const string Passed = "PerfTuner: perf smoke passed";
    private const string UpToDate = "PerfTuner: perf smoke up to date";

    [Fact]
    public async Task Smoke_on_the_embedded_default_passes_writes_the_baseline_and_reports()
    {
        string project = TestProjects.Library(package, "DefaultSmoke");

        CliResult build = await package.BuildAsync(project, "-p:PerfTunerSmoke=true");

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Equal(1, build.Count(Passed));
        Assert.Contains("embedded", build.Output);
        Assert.Contains("p95", build.Output); // the console table
        Assert.Contains(build.Diagnostics, d => d.Code == "PT1007" && d.File.EndsWith("perf-baseline.json", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(project, "perf-baseline.json")), "the first run creates the baseline beside the project");
        Assert.True(File.Exists(Path.Combine(project, "obj", "perftuner", "perf-smoke.md")), "reports go to PerfTunerReportDir");
        Assert.DoesNotContain(build.Diagnostics, d => d.Severity == "error");
    }

    [Fact]
    public async Task Injected_latency_regression_fails_the_build_with_PT1001()
    {
        string project = TestProjects.Library(package, "Regression");
        CliResult baseline = await package.BuildAsync(project, "-p:PerfTunerSmoke=true");
        Assert.True(baseline.ExitCode == 0, baseline.ToString());

        CliResult slower = await package.BuildAsync(project, "-p:PerfTunerSmoke=true", "-p:PerfTunerLocalQdrantArgs=--latency-factor 1.25");

        Assert.NotEqual(0, slower.ExitCode);
        Assert.Contains(slower.Diagnostics, d => d.Code == "PT1001" && d.Severity == "error" && d.File.EndsWith("perf-baseline.json", StringComparison.Ordinal));
        Assert.Equal(0, slower.Count(Passed));
    }

    [Fact]
    public async Task Malformed_baseline_fails_with_PT1004_at_its_line()
    {
        string project = TestProjects.Library(package, "BadBaseline");
        File.WriteAllText(Path.Combine(project, "perf-baseline.json"), "{\n  \"schemaVersion\": 1,\n  \"benchmarks\": [ oops ]\n}\n");

        CliResult build = await package.BuildAsync(project, Small);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains(build.Diagnostics, d => d.Code == "PT1004" && d.Severity == "error" && d.File.EndsWith("perf-baseline.json", StringComparison.Ordinal) && d.Line == 3);
    }

    [Fact]
    public async Task Design_time_Visual_Studio_and_no_build_runs_never_run_the_smoke()
    {
        string project = TestProjects.Library(package, "DesignTime");

        CliResult designTime = await package.BuildAsync(project, Small.Append("-p:DesignTimeBuild=true").ToArray());
        Assert.True(designTime.ExitCode == 0, designTime.ToString());
        Assert.Equal(0, designTime.Count(Ran));

        CliResult insideVs = await package.BuildAsync(project, Small.Append("-p:BuildingInsideVisualStudio=true").ToArray());
        Assert.True(insideVs.ExitCode == 0, insideVs.ToString());
        Assert.Equal(0, insideVs.Count(Ran));

        CliResult liveUnitTesting = await package.BuildAsync(project, Small.Append("-p:BuildingForLiveUnitTesting=true").ToArray());
        Assert.True(liveUnitTesting.ExitCode == 0, liveUnitTesting.ToString());
        Assert.Equal(0, liveUnitTesting.Count(Ran));

        Assert.False(File.Exists(Path.Combine(project, "perf-baseline.json")), "no run means no baseline");

        // The same project does run it in an ordinary build, so the silence above is the skip, not a broken setup.
        CliResult normal = await package.BuildAsync(project, Small);
        Assert.True(normal.ExitCode == 0, normal.ToString());
        Assert.Equal(1, normal.Count(Passed));
    }

    [Fact]
    public async Task Multi_targeted_project_runs_the_smoke_once()
    {
        string project = TestProjects.Library(package, "MultiTarget", "net8.0;net10.0");

        CliResult build = await package.BuildAsync(project, Small);

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.Equal(1, build.Count(Ran));
        Assert.Equal(1, build.Count(Passed));
    }

    [Fact]
    public async Task Second_build_with_nothing_changed_skips_the_smoke_until_forced_or_changed()
    {
        string project = TestProjects.Library(package, "Incremental");

        CliResult first = await package.BuildAsync(project, Small);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(1, first.Count(Ran));

        CliResult second = await package.BuildAsync(project, Small);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(0, second.Count(Ran));
        Assert.Equal(1, second.Count(UpToDate));

        CliResult forced = await package.BuildAsync(project, Small.Append("-p:PerfTunerForce=true").ToArray());
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(1, forced.Count(Ran));

        // A changed setting is a different measurement: it reruns (and warns that the baseline's workload differs).
        CliResult changed = await package.BuildAsync(project, Small.Append("-p:PerfTunerLimit=5").ToArray());
        Assert.Equal(1, changed.Count(Ran));
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
            new[] { "pack", "--no-build", "-nodeReuse:false", "-tl:off" }.Concat(Small).ToArray());

        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.Equal(0, pack.Count(Ran));
    }
}
