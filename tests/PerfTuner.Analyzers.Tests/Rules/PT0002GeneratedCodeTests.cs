using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// PT0002 in and around generated code: the reports the analyzer driver's generated-code filter drops (<c>#line hidden</c>,
/// <c>[GeneratedCode]</c> on the member or a containing type) and the ones it keeps. These pin the behaviour the rule had
/// while the driver applied that filter, now that the rule applies it itself (a per-item upsert in a loop). A line marked <c>// reported</c>
/// is where a diagnostic is expected; no other line may have one. Each source starts with <c>#line default</c>: in a file
/// with a hidden region, code before the first <c>#line</c> directive also counts as hidden, which would hide the plain cases.
/// </summary>
public class PT0002GeneratedCodeTests
{
    private static async Task AssertReportedLines(string source)
    {
        var expected = source.Split('\n').Select((line, index) => (line, index)).Where(p => p.line.Contains("// reported", StringComparison.Ordinal)).Select(p => p.index).ToArray();
        var diagnostics = await Verify<UnbatchedUpsertAnalyzer>.GetAnalyzerDiagnosticsAsync(source);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        var actual = diagnostics.Where(d => d.Id == "PT0002").Select(d => d.Location.GetLineSpan().StartLinePosition.Line).OrderBy(l => l).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public Task Per_item_upserts_in_generated_or_hidden_code_are_not_reported_and_plain_ones_are() =>
        AssertReportedLines("""
            #line default
            using System.CodeDom.Compiler;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Qdrant.Client;
            using Qdrant.Client.Grpc;

            public sealed class Importer(QdrantClient client)
            {
                public async Task PlainAsync(IEnumerable<PointStruct> points, CancellationToken ct)
                {
                    foreach (var point in points)
                    {
                        await client.UpsertAsync("docs", new[] { point }, cancellationToken: ct); // reported
                    }
                }

                public async Task HiddenAsync(IEnumerable<PointStruct> points, CancellationToken ct)
                {
                    foreach (var point in points)
                    {
            #line hidden
                        await client.UpsertAsync("docs", new[] { point }, cancellationToken: ct);
            #line default
                    }
                }

                [GeneratedCode("tool", "1.0")]
                public async Task GeneratedAsync(IEnumerable<PointStruct> points, CancellationToken ct)
                {
                    foreach (var point in points)
                    {
                        await client.UpsertAsync("docs", new[] { point }, cancellationToken: ct);
                    }
                }
            }

            [GeneratedCode("tool", "1.0")]
            public sealed class GeneratedImporter(QdrantClient client)
            {
                public async Task ImportAsync(IEnumerable<PointStruct> points, CancellationToken ct)
                {
                    foreach (var point in points)
                    {
                        await client.UpsertAsync("docs", new[] { point }, cancellationToken: ct);
                    }
                }
            }
            """);
}
