using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using static PerfTuner.Analyzers.Tests.Rules.PT0002Sources;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0002 must never throw (AD0001), whatever state the code is in while it is being typed.</summary>
public class PT0002RobustnessTests
{
    private const string Configured = "perftuner.PT0002.upsert_methods = Broken.Repo.SaveAsync, ., ..X, Y., global::\nperftuner.PT0002.batch_size = many";

    [Theory]
    [InlineData("missing closing braces", """
        public sealed class A(QdrantClient client)
        {
            public async Task Run(IEnumerable<PointStruct> points)
            {
                foreach (var p in points)
                {
                    await client.UpsertAsync("c", new[] { p });
        """)]
    [InlineData("unfinished argument list", """
        public sealed class A(QdrantClient client)
        {
            public async Task Run(IEnumerable<PointStruct> points)
            {
                foreach (var p in points) { await client.UpsertAsync("c", new[] { p }, 
            }
        }
        """)]
    [InlineData("foreach without a collection", """
        public sealed class A(QdrantClient client)
        {
            public async Task Run()
            {
                foreach (var p in ) { await client.UpsertAsync("c", [p]); }
            }
        }
        """)]
    [InlineData("wrong argument types", """
        public sealed class A(QdrantClient client)
        {
            public async Task Run(IEnumerable<PointStruct> points)
            {
                foreach (var p in points) { await client.UpsertAsync(42, p, "no", ct: 1); }
            }
        }
        """)]
    [InlineData("undefined client, request and point", """
        public sealed class A
        {
            public async Task Run(IEnumerable<int> ids)
            {
                foreach (var id in ids)
                {
                    var request = new UpsertPoints { Points = { point } };
                    request.Points.Add(request);
                    await client.UpsertAsync(request);
                    await missing.UpsertAsync("c", new List<PointStruct> { id });
                }
            }
        }
        """)]
    [InlineData("lambda without a body and empty spreads", """
        public sealed class A(QdrantClient client)
        {
            public Task Run(IEnumerable<PointStruct> points) =>
                Task.WhenAll(points.Select(p => ), points.Select(p => client.UpsertAsync("c", [.. ])));
        }
        """)]
    [InlineData("while without a condition and do without while", """
        public sealed class A(QdrantClient client)
        {
            public async Task Run(PointStruct p)
            {
                while () { await client.UpsertAsync("c", new[] { p }); break; }
                do { await client.UpsertAsync("c", new PointStruct[] { p }); }
            }
        }
        """)]
    [InlineData("self-referencing locals and reassignments", """
        public sealed class A(QdrantClient client)
        {
            public async Task Run(IEnumerable<PointStruct> points)
            {
                foreach (var p in points)
                {
                    var list = list;
                    list = new List<PointStruct> { p, list };
                    var a = b; var b = a;
                    await client.UpsertAsync("c", list);
                    await client.UpsertAsync("c", a);
                }
            }
        }
        """)]
    [InlineData("top-level statements with await foreach over a non-async source", """
        var client = new QdrantClient("localhost");
        await foreach (var p in new List<PointStruct>())
        {
            await client.UpsertAsync("c", new[] { p });
        }
        goto end;
        end:
        for (;;) client.UpsertAsync("c", new[] { default(PointStruct) }).Wait()
        """)]
    [InlineData("configured method that does not exist and broken VectorData call", """
        public sealed class A(Microsoft.Extensions.VectorData.VectorStoreCollection<Guid, string> c, Broken.Repo repo)
        {
            public async Task Run(IEnumerable<string> items)
            {
                foreach (var i in items) { await c.UpsertAsync(); await c.UpsertAsync(i, i, i); await repo.SaveAsync(i); }
                items.ForEach(x => c.UpsertAsync(x));
            }
        }
        """)]
    [InlineData("deeply nested lambdas and local functions", """
        public sealed class A(QdrantClient client)
        {
            public void Run(List<List<PointStruct>> groups)
            {
                groups.ForEach(g => g.ForEach(p => { Action a = () => { void L() { client.UpsertAsync("c", new[] { p }); } L(); }; a(); }));
                Parallel.For(0, groups.Count, i => client.UpsertAsync("c", new[] { groups[i][0] }).Wait());
            }
        }
        """)]
    public async Task Broken_or_incomplete_code_never_makes_the_analyzer_throw(string description, string code)
    {
        Assert.False(string.IsNullOrEmpty(description));
        await Verify<UnbatchedUpsertAnalyzer>.NeverThrowsAsync(Wrap(code), Configured);
        await Verify<UnbatchedUpsertAnalyzer>.NeverThrowsAsync(Wrap(code));
    }

    [Fact]
    public async Task Broken_code_still_gets_diagnostics_where_the_shape_is_clear()
    {
        // The method body is unterminated, yet the loop and the upsert bind: the rule keeps working while typing.
        var diagnostics = await Verify<UnbatchedUpsertAnalyzer>.GetAnalyzerDiagnosticsAsync(Wrap("""
            public sealed class A(QdrantClient client)
            {
                public async Task Run(IEnumerable<PointStruct> points)
                {
                    foreach (var p in points)
                    {
                        await client.UpsertAsync("c", new[] { p });
                    }
            """));
        Assert.Contains(diagnostics, d => d.Id == "PT0002");
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }

    [Fact]
    public async Task Code_without_any_vector_store_produces_nothing()
    {
        var diagnostics = await Verify<UnbatchedUpsertAnalyzer>.GetAnalyzerDiagnosticsAsync("""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            public sealed class Repo { public Task UpsertAsync(int[] items) => Task.CompletedTask; }
            public sealed class A(Repo repo)
            {
                public async Task Run(IEnumerable<int> items) { foreach (var i in items) await repo.UpsertAsync(new[] { i }); }
            }
            """);
        Assert.Empty(diagnostics);
    }
}
