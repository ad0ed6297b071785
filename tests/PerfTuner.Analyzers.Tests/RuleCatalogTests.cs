using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace PerfTuner.Analyzers.Tests;

/// <summary>
/// The rule catalogue must agree everywhere a user meets it: help links, docs pages, release tracking and the README table.
/// </summary>
public class RuleCatalogTests
{
    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in AllDescriptors())
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    [Fact]
    public void Every_rule_id_has_exactly_one_descriptor()
    {
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).OrderBy(x => x).ToArray();
        var described = AllDescriptors().Select(d => d.Id).OrderBy(x => x).ToArray();
        Assert.Equal(ids, described);
        Assert.Equal(["PT0001", "PT0002", "PT0003", "PT0004", "PT0005"], ids);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Help_link_points_at_an_existing_docs_page(string id)
    {
        var descriptor = AllDescriptors().Single(d => d.Id == id);
        Assert.Equal(Descriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        var page = Path.Combine(RepoRoot(), "docs", "rules", id + ".md");
        Assert.True(File.Exists(page), $"missing {page}");
        var text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}", text);
        Assert.Contains(descriptor.Title.ToString(), text);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Release_tracking_lists_the_rule_with_its_category_and_severity(string id)
    {
        var descriptor = AllDescriptors().Single(d => d.Id == id);
        var analyzerDir = Path.Combine(RepoRoot(), "analyzers", "PerfTuner.Analyzers");
        var releases = File.ReadAllText(Path.Combine(analyzerDir, "AnalyzerReleases.Shipped.md"))
                       + File.ReadAllText(Path.Combine(analyzerDir, "AnalyzerReleases.Unshipped.md"));
        Assert.Matches(new Regex($@"^{id}\s*\|\s*{descriptor.Category}\s*\|\s*{descriptor.DefaultSeverity}\s*\|", RegexOptions.Multiline), releases);
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Readme_rule_table_matches_the_descriptor(string id)
    {
        var descriptor = AllDescriptors().Single(d => d.Id == id);
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var row = readme.Split('\n').SingleOrDefault(l => l.StartsWith($"| [{id}]", StringComparison.Ordinal));
        Assert.NotNull(row);
        var cells = row!.Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(descriptor.Title.ToString(), cells[2]);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), cells[3]);
        Assert.Contains($"(docs/rules/{id}.md)", cells[1]);
    }

    internal static IReadOnlyList<DiagnosticDescriptor> AllDescriptors() =>
        typeof(Descriptors).GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToArray();

    /// <summary>The repository root, stamped into the test assembly at build time (works with any output or artifacts path).</summary>
    internal static string RepoRoot() =>
        typeof(RuleCatalogTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
}
