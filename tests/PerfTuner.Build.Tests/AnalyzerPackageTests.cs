using PerfTuner.Build.Tests.Infrastructure;

namespace PerfTuner.Build.Tests;

/// <summary>(a) and (h): the analyzers as a user meets them, from the packed package.</summary>
[Collection(PackedPackageCollection.Name)]
public sealed class AnalyzerPackageTests(PackedPackageFixture package)
{
    private static readonly string[] Rules = { "PT0001", "PT0002", "PT0003", "PT0004", "PT0005" };

    [Fact]
    public void Package_has_the_documented_layout()
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package.Nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("analyzers/dotnet/cs/PerfTuner.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/PerfTuner.CodeFixes.dll", entries);
        Assert.Contains("tasks/netstandard2.0/PerfTuner.Build.dll", entries);
        Assert.Contains("tools/PerfTuner.Smoke.dll", entries);
        Assert.Contains("tools/PerfTuner.Smoke.runtimeconfig.json", entries);
        Assert.Contains("tools/PerfTuner.LocalQdrant.dll", entries);
        foreach (string folder in new[] { "build", "buildTransitive", "buildMultiTargeting" })
        {
            Assert.Contains($"{folder}/PerfTuner.props", entries);
            Assert.Contains($"{folder}/PerfTuner.targets", entries);
        }
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));

        string nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
        Assert.Contains("<developmentDependency>true</developmentDependency>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
        Assert.DoesNotContain("<dependency ", nuspec);
    }

    [Fact]
    public async Task Build_reports_every_anti_pattern_at_its_file_and_line_and_nothing_in_the_service_code()
    {
        string project = TestProjects.ConversationSearch(package);

        CliResult build = await package.BuildAsync(project);

        Assert.True(build.ExitCode == 0, build.ToString());
        var reported = build.Diagnostics.Where(d => d.Code.StartsWith("PT0", StringComparison.Ordinal)).ToArray();
        var expected = Directory.EnumerateFiles(Path.Combine(project, "AntiPatterns"), "*.cs")
            .SelectMany(f => TestProjects.Markers(f).Select(m => (File: f, m.Line, m.Rule)))
            .ToArray();
        Assert.Equal(Rules, expected.Select(e => e.Rule).Distinct().Order());
        foreach (var (file, line, rule) in expected)
        {
            Assert.True(
                reported.Any(d => d.Code == rule && d.Severity == "warning" && Path.GetFullPath(d.File) == file && d.Line == line),
                $"expected warning {rule} at {Path.GetFileName(file)}({line}); reported:\n{string.Join("\n", reported)}\n{build}");
        }
        // Precision: the service code (everything outside AntiPatterns/) is the fixed version and stays silent.
        Assert.All(reported, d => Assert.Contains($"{Path.DirectorySeparatorChar}AntiPatterns{Path.DirectorySeparatorChar}", d.File));
    }

    [Fact]
    public async Task AnalysisMode_None_silences_the_rules_and_AllErrors_fails_the_build_with_them()
    {
        string project = TestProjects.ConversationSearch(package);

        CliResult none = await package.BuildAsync(project, "-p:PerfTunerAnalysisMode=None");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.False(none.Diagnostics.Any(d => d.Code.StartsWith("PT0", StringComparison.Ordinal)), none.ToString());

        CliResult errors = await package.BuildAsync(project, "-p:PerfTunerAnalysisMode=AllErrors");
        Assert.True(errors.ExitCode != 0, errors.ToString());
        var pt = errors.Diagnostics.Where(d => d.Code.StartsWith("PT0", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(pt);
        Assert.All(pt, d => Assert.Equal("error", d.Severity));
        Assert.Equal(Rules, pt.Select(d => d.Code).Distinct().Order());
    }

    [Fact]
    public async Task The_projects_own_editorconfig_wins_over_the_analysis_mode()
    {
        string project = TestProjects.ConversationSearch(package);
        File.WriteAllText(Path.Combine(project, ".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.PT0001.severity = suggestion\n");

        CliResult build = await package.BuildAsync(project, "-p:PerfTunerAnalysisMode=AllErrors");

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.False(build.Diagnostics.Any(d => d.Code == "PT0001"), build.ToString());
        Assert.True(build.Diagnostics.Any(d => d.Code == "PT0002" && d.Severity == "error"), build.ToString());
    }

    [Fact]
    public async Task An_unknown_analysis_mode_is_a_located_error()
    {
        string project = TestProjects.Library(package, "BadMode");

        CliResult build = await package.BuildAsync(project, "-p:PerfTunerAnalysisMode=Strict");

        Assert.True(build.ExitCode != 0, build.ToString());
        Assert.True(build.Diagnostics.Any(d => d.Code == "PT1008" && d.Severity == "error" && d.File.EndsWith("BadMode.csproj", StringComparison.Ordinal)), build.ToString());
    }
}
