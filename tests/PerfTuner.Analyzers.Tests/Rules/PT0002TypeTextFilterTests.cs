using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// PT0002 looks only at the invocations of members whose source can spell an upsert call. These cases pin that every
/// place such a call can live is still analysed: top-level statements, every part of a partial type, nested types, and
/// a call spelled with a unicode escape. A line marked <c>// reported</c> is where a diagnostic is expected; no other
/// line may have one.
/// </summary>
public class PT0002TypeTextFilterTests
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
    public Task Upserts_in_top_level_statements_are_analysed() =>
        AssertReportedLines("""
            using System.Collections.Generic;
            using Qdrant.Client;
            using Qdrant.Client.Grpc;

            var client = new QdrantClient("localhost");
            var points = new List<PointStruct>();
            foreach (var point in points)
            {
                await client.UpsertAsync("docs", new[] { point }); // reported
            }
            """);

    [Fact]
    public Task Upserts_in_any_part_of_a_partial_type_in_nested_types_and_spelled_with_escapes_are_analysed() =>
        AssertReportedLines("""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Qdrant.Client;
            using Qdrant.Client.Grpc;

            public sealed partial class Importer
            {
                private readonly QdrantClient _client = new QdrantClient("localhost");
            }

            public sealed partial class Importer
            {
                public async Task ImportAsync(IEnumerable<PointStruct> points, CancellationToken ct)
                {
                    foreach (var point in points)
                    {
                        await _client.UpsertAsync("docs", new[] { point }, cancellationToken: ct); // reported
                    }
                }
            }

            public static class Outer
            {
                public static int Plain(IEnumerable<int> values)
                {
                    var sum = 0;
                    foreach (var value in values)
                    {
                        sum += value;
                    }

                    return sum;
                }

                public sealed class Nested(QdrantClient client)
                {
                    public async Task ImportAsync(IEnumerable<PointStruct> points)
                    {
                        foreach (var point in points)
                        {
                            await client.UpsertAsync("docs", new[] { point }); // reported
                        }
                    }
                }
            }

            public sealed class Escaped(QdrantClient client)
            {
                public async Task ImportAsync(IEnumerable<PointStruct> points)
                {
                    foreach (var point in points)
                    {
                        await client.\u0055psertAsync("docs", new[] { point }); // reported
                    }
                }
            }
            """);
}
