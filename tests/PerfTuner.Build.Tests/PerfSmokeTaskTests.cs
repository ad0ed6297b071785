using System.Reflection;
using System.Xml.Linq;
using PerfTuner.Build.Tasks;

namespace PerfTuner.Build.Tests;

/// <summary>The task's contract with the runner and with the props/targets, without starting a process.</summary>
public sealed class PerfSmokeTaskTests
{
    private static readonly string RepoRoot = typeof(PerfSmokeTaskTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    private static string BuildDir => Path.Combine(RepoRoot, "msbuild", "PerfTuner.Build", "build");

    [Fact]
    public void Command_line_maps_every_setting_to_its_runner_option()
    {
        var task = new PerfSmoke
        {
            RunnerPath = "/pkg/tools/PerfTuner.Smoke.dll", Url = "http://qdrant:6334", ApiKeyEnvironmentVariable = "MY_KEY",
            Baseline = "/src/app/perf baseline.json", UpdateBaseline = true, Tolerance = "15", ReportDir = "/src/app/obj/perftuner/",
            BenchmarksAssembly = "/src/app/bin/App.dll", BenchmarksFilter = "*Search*", TimeoutSeconds = "20", NoiseFloorMs = "0.5",
            Samples = "300", Warmup = "10", Points = "2000", Dimensions = "64", Distance = "Dot", HnswM = "8", HnswEfConstruct = "64",
            SearchEf = "32", Limit = "5", Concurrency = "2", MaxP50Ms = "1", MaxP95Ms = "2", MaxP99Ms = "3", MinQps = "100",
            MinRecall = "0.9", Alpha = "0.001", RecallTolerance = "0.05", Confirm = false, BatchSize = "250", Seed = "7",
            QpsSeconds = "1.5", RecallQueries = "20", ExtraArgs = "--help",
        };

        string line = task.BuildCommandLine();

        Assert.StartsWith("exec /pkg/tools/PerfTuner.Smoke.dll ", line);
        foreach (string expected in new[]
        {
            "--url http://qdrant:6334", "--api-key-env MY_KEY", "--baseline \"/src/app/perf baseline.json\"", "--update-baseline",
            "--tolerance 15", "--report-dir /src/app/obj/perftuner", "--benchmarks /src/app/bin/App.dll", "--filter \"*Search*\"",
            "--timeout-seconds 20", "--noise-floor-ms 0.5", "--samples 300", "--warmup 10", "--points 2000", "--dimensions 64",
            "--distance Dot", "--hnsw-m 8", "--hnsw-ef-construct 64", "--search-ef 32", "--limit 5", "--concurrency 2",
            "--max-p50-ms 1", "--max-p95-ms 2", "--max-p99-ms 3", "--min-qps 100", "--min-recall 0.9", "--alpha 0.001",
            "--recall-tolerance 0.05", "--no-confirm", "--batch-size 250", "--seed 7", "--qps-seconds 1.5", "--recall-queries 20", "--help",
        })
        {
            Assert.Contains(expected, line);
        }
    }

    [Fact]
    public void Empty_settings_are_left_to_the_runner_and_local_args_only_go_to_the_embedded_server()
    {
        var embedded = new PerfSmoke { RunnerPath = "r.dll", LocalArgs = "--latency-factor 1.25" };
        Assert.Equal("exec r.dll --local-args \"--latency-factor 1.25\"", embedded.BuildCommandLine());

        var remote = new PerfSmoke { RunnerPath = "r.dll", Url = "http://q:6334", LocalArgs = "--latency-factor 1.25" };
        Assert.DoesNotContain("--local-args", remote.BuildCommandLine());
    }

    [Fact]
    public void Api_key_travels_only_through_the_environment()
    {
        const string key = "s3cr3t-key-value";
        var task = new PerfSmoke { RunnerPath = "r.dll", Url = "https://qdrant.example:6334", ApiKey = key, ApiKeyEnvironmentVariable = "QDRANT_API_KEY" };

        string line = task.BuildCommandLine();
        var environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin" };
        PerfSmoke.ConfigureEnvironment(environment, key);

        Assert.DoesNotContain(key, line);
        Assert.Contains($"--api-key-env {PerfSmoke.ApiKeyVariable}", line);
        Assert.Equal(key, environment[PerfSmoke.ApiKeyVariable]);
    }

    [Fact]
    public void Child_environment_drops_the_MSBuild_host_variables()
    {
        var environment = new Dictionary<string, string>
        {
            ["MSBuildExtensionsPath"] = "/sdk", ["MSBUILDSDKSPATH"] = "/sdk/Sdks", ["MSBUILD_EXE_PATH"] = "/sdk/MSBuild.dll",
            ["MSBUILDENSURESTDOUTFORTASKPROCESSES"] = "1", ["DOTNET_HOST_PATH"] = "/usr/bin/dotnet", ["QDRANT_URL"] = "http://q:6334",
        };

        PerfSmoke.ConfigureEnvironment(environment, apiKey: null);

        Assert.Equal(new[] { "DOTNET_HOST_PATH", "QDRANT_URL" }, environment.Keys.Order());
    }

    [Fact]
    public void Every_property_with_a_default_in_the_props_is_used_by_the_targets()
    {
        var defined = XDocument.Load(Path.Combine(BuildDir, "PerfTuner.props"))
            .Descendants("PropertyGroup").Elements().Select(e => e.Name.LocalName)
            .Where(n => n.StartsWith("PerfTuner", StringComparison.Ordinal))
            .Distinct()
            .ToArray();
        string targets = File.ReadAllText(Path.Combine(BuildDir, "PerfTuner.targets"));

        Assert.NotEmpty(defined);
        Assert.All(defined, name => Assert.Contains($"$({name})", targets));
    }

    [Fact]
    public void Every_design_property_has_a_default()
    {
        string props = File.ReadAllText(Path.Combine(BuildDir, "PerfTuner.props"));
        string targets = File.ReadAllText(Path.Combine(BuildDir, "PerfTuner.targets"));
        string[] design =
        {
            "PerfTunerSmoke", "PerfTunerQdrantUrl", "PerfTunerBaseline", "PerfTunerTolerance", "PerfTunerUpdateBaseline",
            "PerfTunerForce", "PerfTunerMaxP50Ms", "PerfTunerMaxP95Ms", "PerfTunerMaxP99Ms", "PerfTunerMinQps", "PerfTunerMinRecall",
            "PerfTunerPoints", "PerfTunerDimensions", "PerfTunerDistance", "PerfTunerHnswM", "PerfTunerHnswEfConstruct",
            "PerfTunerSearchEf", "PerfTunerLimit", "PerfTunerConcurrency", "PerfTunerBenchmarks", "PerfTunerAnalysisMode",
            "PerfTunerLocalQdrantArgs",
        };

        Assert.All(design, name => Assert.Contains($"<{name} Condition=\"'$({name})' == ''\">", props));
        // The two that depend on the project's own paths get their default in the targets.
        Assert.Contains("<PerfTunerReportDir Condition=\"'$(PerfTunerReportDir)' == ''\">$(BaseIntermediateOutputPath)perftuner/", targets);
        Assert.Contains("$(QDRANT_URL)", props);
        Assert.Contains("QDRANT_API_KEY", props);
    }

    [Theory]
    [InlineData("None", "none")]
    [InlineData("AllWarnings", "warning")]
    [InlineData("AllErrors", "error")]
    public void Analysis_mode_globalconfigs_rank_below_the_projects_own_settings(string mode, string severity)
    {
        string[] lines = File.ReadAllLines(Path.Combine(BuildDir, $"PerfTuner.AnalysisMode.{mode}.globalconfig"));

        Assert.Contains("is_global = true", lines);
        Assert.Contains("global_level = -100", lines);
        foreach (string rule in new[] { "PT0001", "PT0002", "PT0003", "PT0004", "PT0005" })
            Assert.Contains($"dotnet_diagnostic.{rule}.severity = {severity}", lines);
    }
}
