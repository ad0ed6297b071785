using System.Diagnostics;
using System.Text;
using PerfTuner.Smoke.Cli;

namespace PerfTuner.Smoke.Tests;

public class CommandLineTests
{
    [Fact]
    public void Defaults_match_the_documented_MSBuild_properties()
    {
        SmokeOptions o = SmokeCommandLine.Parse(Array.Empty<string>());
        Assert.Equal((10_000, 384, "Cosine", 16, 100, 100, 10, 4), (o.Points, o.Dimensions, o.Distance, o.HnswM, o.HnswEfConstruct, o.SearchEf, o.Limit, o.Concurrency));
        Assert.Equal((10.0, 0.01, 0.2, 200), (o.TolerancePercent, o.Alpha, o.NoiseFloorMs, o.Samples));
        Assert.Equal("QDRANT_API_KEY", o.ApiKeyEnv);
        Assert.Equal(EndpointKind.Embedded, o.EndpointKind);
    }

    [Fact]
    public void Parses_every_form()
    {
        SmokeOptions o = SmokeCommandLine.Parse(new[]
        {
            "--url=https://q.example:6334", "--tolerance", "15", "--distance", "euclid", "--max-p95-ms", "", "--min-recall", "0.9",
            "--update-baseline", "--benchmarks", "x.dll", "--filter", "*Search*;*Upsert*", "--filter", "*Other*",
        });
        Assert.Equal("https://q.example:6334/", o.Url);
        Assert.Equal(15, o.TolerancePercent);
        Assert.Equal("Euclid", o.Distance);
        Assert.Null(o.MaxP95Ms); // empty MSBuild property = budget off
        Assert.Equal(0.9, o.MinRecall);
        Assert.True(o.UpdateBaseline);
        Assert.Equal(new[] { "*Search*", "*Upsert*", "*Other*" }, o.Filters);
    }

    [Theory]
    [InlineData("unknown option '--bogus'", "--bogus")]
    [InlineData("unexpected argument 'stray'", "stray")]
    [InlineData("option '--points' needs a whole number, got 'many'", "--points", "many")]
    [InlineData("option '--tolerance' needs a number, got 'NaN'", "--tolerance", "NaN")]
    [InlineData("option '--samples' must be between 10 and 1000000, got 5", "--samples", "5")]
    [InlineData("option '--limit' needs a value K", "--limit")]
    [InlineData("--url must be an absolute http or https URL", "--url", "ftp://x")]
    [InlineData("--distance must be Cosine, Dot, Euclid or Manhattan", "--distance", "hamming")]
    [InlineData("--filter needs --benchmarks ASSEMBLY", "--filter", "*x*")]
    [InlineData("cannot be combined with --url", "--url", "http://localhost:6334", "--local-args", "--latency-ms 1")]
    [InlineData("unterminated quote", "--local-args", "--latency-ms '1")]
    public void Bad_input_is_a_usage_error(string message, params string[] args)
    {
        var e = Assert.Throws<UsageException>(() => SmokeCommandLine.Parse(args));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Local_args_split_like_a_shell()
    {
        Assert.Equal(new[] { "--latency-factor", "1.25", "--latency-ms", "Search=2 ms" }, SmokeCommandLine.SplitArgs("--latency-factor 1.25  --latency-ms 'Search=2 ms'"));
    }

    [Fact]
    public void Safe_url_drops_credentials_and_paths()
    {
        Assert.Equal("https://host:6334", SmokeCommandLine.Safe("https://user:pw@host:6334/x?api-key=secret"));
    }

    [Fact]
    public void Help_lists_every_option()
    {
        string usage = SmokeCommandLine.Usage();
        foreach (var (name, _, _) in SmokeCommandLine.Describe())
            Assert.Contains(name, usage);
    }

    [Fact]
    public void Options_table_in_the_docs_lists_every_option()
    {
        string root = typeof(CommandLineTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        string doc = File.ReadAllText(Path.Combine(root, "docs", "perf-smoke.md"));
        foreach (var (name, _, _) in SmokeCommandLine.Describe())
            Assert.Contains($"`{name}", doc);
    }

    /// <summary>The runner as the MSBuild task starts it: `dotnet exec PerfTuner.Smoke.dll …`.</summary>
    internal static (int ExitCode, string Stdout, string Stderr) Exec(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory, StandardOutputEncoding = Encoding.UTF8 };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(SmokeHarness.SmokeDll);
        foreach (string a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "the runner hung");
        return (p.ExitCode, stdout, err.Result);
    }

    [Fact]
    public void Process_unknown_option_prints_one_canonical_line_and_exits_2()
    {
        using var h = new SmokeHarness();
        var (exit, stdout, stderr) = Exec(h.Directory, "--bogus", "1");
        Assert.Equal(2, exit);
        Assert.Equal("PerfTuner : error PT1008: unknown option '--bogus' (see --help)", stdout.Trim());
        Assert.Equal("", stderr.Trim());
    }

    [Fact]
    public void Process_invalid_baseline_is_PT1004_with_line_and_column_and_exits_2()
    {
        using var h = new SmokeHarness();
        File.WriteAllText(h.BaselinePath, "{\n  \"schemaVersion\": 1,\n  \"workload\": tru\n}\n");
        var (exit, stdout, _) = Exec(h.Directory, "--baseline", h.BaselinePath, "--report-dir", h.ReportDir);
        Assert.Equal(2, exit);
        Assert.Contains($"{h.BaselinePath}(3,18): error PT1004: baseline is invalid: malformed JSON", stdout);
        Assert.DoesNotContain("   at ", stdout);
        Assert.DoesNotContain("[smoke] connect", stdout); // checked before any slow work
    }

    [Fact]
    public void Process_help_exits_0()
    {
        var (exit, stdout, _) = Exec(Path.GetTempPath(), "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--noise-floor-ms", stdout);
    }
}
