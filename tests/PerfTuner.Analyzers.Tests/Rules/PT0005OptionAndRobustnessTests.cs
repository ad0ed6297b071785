using PerfTuner.Analyzers.Rules;
using static PerfTuner.Analyzers.Tests.Rules.PT0005Sources;
using VerifyPT0005 = PerfTuner.Analyzers.Tests.Verifiers.Verify<PerfTuner.Analyzers.Rules.SemaphoreMisuseAnalyzer>;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0005 options (.editorconfig) and its behaviour on broken code.</summary>
public class PT0005OptionAndRobustnessTests
{
    private const string CustomGate = """
        namespace Acme.Throttling
        {
            /// <summary>A team's own async semaphore with SemaphoreSlim's Wait/Release contract.</summary>
            public sealed class AsyncGate
            {
                private readonly SemaphoreSlim _inner;
                public AsyncGate(int permits) => _inner = new SemaphoreSlim(permits, permits);
                public Task WaitAsync(CancellationToken ct) => _inner.WaitAsync(ct);
                public void Release() => _inner.Release();
            }
        }

        public sealed class GatedSearch
        {
            private readonly QdrantClient _client;
            private readonly Acme.Throttling.AsyncGate _gate = new(4);

            public GatedSearch(QdrantClient client) => _client = client;

            public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
            {
                await {|#0:_gate.WaitAsync(ct)|};
                var hits = await _client.SearchAsync("docs", vector, cancellationToken: ct);
                _gate.Release();
                return hits;
            }
        }
        """;

    private const string PerItemThrottle = """
        public static class Reindexer
        {
            public static Task RunAsync(QdrantClient client, IEnumerable<PointStruct> points, CancellationToken ct) =>
                Task.WhenAll(points.Select(async point =>
                {
                    var gate = {|#0:new SemaphoreSlim(4)|};
                    await gate.WaitAsync(ct);
                    try { await client.UpsertAsync("documents", new[] { point }, cancellationToken: ct); }
                    finally { gate.Release(); }
                }));

            public static async Task OneAsync(QdrantClient client, SemaphoreSlim throttle, PointStruct point, CancellationToken ct)
            {
                await {|#1:throttle.WaitAsync(ct)|};
                await client.UpsertAsync("documents", new[] { point }, cancellationToken: ct);
                throttle.Release();
            }
        }
        """;

    [Fact]
    public async Task Semaphore_types_option_adds_a_custom_gate_type()
    {
        var source = Wrap(CustomGate);
        await VerifyPT0005.AnalyzerAsync(
            source,
            "perftuner.PT0005.semaphore_types = Acme.Throttling.AsyncGate",
            VerifyPT0005.Diagnostic("PT0005").WithLocation(0).WithArguments("'_gate' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Custom_gate_type_is_not_checked_without_the_option()
    {
        var source = Wrap(CustomGate.Replace("{|#0:", string.Empty).Replace("|}", string.Empty));
        await VerifyPT0005.AnalyzerAsync(source);
    }

    [Fact]
    public async Task Unknown_names_in_the_semaphore_types_option_are_ignored()
    {
        var source = Wrap(CustomGate.Replace("{|#0:", string.Empty).Replace("|}", string.Empty));
        await VerifyPT0005.AnalyzerAsync(source, "perftuner.PT0005.semaphore_types = No.Such.Type, ;;, System.Int32");
    }

    [Fact]
    public async Task Per_item_throttle_is_reported_by_default()
    {
        await VerifyPT0005.AnalyzerAsync(
            Wrap(PerItemThrottle),
            VerifyPT0005.Diagnostic("PT0005").WithLocation(0).WithArguments("'gate' is created per item of this fan-out, so it limits nothing; create it once outside"),
            VerifyPT0005.Diagnostic("PT0005").WithLocation(1).WithArguments("'throttle' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Per_item_throttle_option_false_turns_off_only_that_shape()
    {
        var source = Wrap(PerItemThrottle.Replace("{|#0:new SemaphoreSlim(4)|}", "new SemaphoreSlim(4)"));
        await VerifyPT0005.AnalyzerAsync(
            source,
            "perftuner.PT0005.per_item_throttle = false",
            VerifyPT0005.Diagnostic("PT0005").WithLocation(1).WithArguments("'throttle' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Unparsable_per_item_option_keeps_the_default()
    {
        await VerifyPT0005.AnalyzerAsync(
            Wrap(PerItemThrottle),
            "perftuner.PT0005.per_item_throttle = sometimes",
            VerifyPT0005.Diagnostic("PT0005").WithLocation(0).WithArguments("'gate' is created per item of this fan-out, so it limits nothing; create it once outside"),
            VerifyPT0005.Diagnostic("PT0005").WithLocation(1).WithArguments("'throttle' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Diagnostics_carry_the_shape_for_the_code_fix()
    {
        var source = Wrap("""
            public sealed class Svc
            {
                private readonly SemaphoreSlim _s = new(2);
                public async Task RunAsync(IEmbedder e, CancellationToken ct)
                {
                    await _s.WaitAsync(ct);
                    await e.EmbedAsync("x", ct);
                    _s.Release();
                }
            }
            """);
        var diagnostics = await VerifyPT0005.GetAnalyzerDiagnosticsAsync(source);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == "PT0005");
        Assert.Equal(SemaphoreMisuseAnalyzer.ReleasedOutsideFinally, diagnostic.Properties[SemaphoreMisuseAnalyzer.ShapeProperty]);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
    }

    public static TheoryData<string> BrokenSnippets() => new()
    {
        // wait with no closing brace
        Usings + "class A { SemaphoreSlim _s = new(1); async Task M() { await _s.WaitAsync(); _s.Release( ",
        // release on an undefined variable, wait on an undefined member
        Usings + "class B { async Task M() { await missing.WaitAsync(); other.Release(); } }",
        // SemaphoreSlim constructed with wrong arguments inside a fan-out
        Usings + "class C { Task M(IEnumerable<int> xs) => Task.WhenAll(xs.Select(async x => { var g = new SemaphoreSlim(\"four\"); await g.WaitAsync(); g.Release(); })); }",
        // try with no finally body and a dangling catch
        Usings + "class D { SemaphoreSlim _s = new(1); async Task M() { await _s.WaitAsync(); try { } finally",
        // Wait called as a static method and with too many arguments
        Usings + "class E { SemaphoreSlim _s = new(1); void M() { SemaphoreSlim.Wait(); _s.Wait(1, 2, 3, 4); _s.Release(); } }",
        // a foreach with no collection and a Task.Run with no lambda body
        Usings + "class F { void M() { foreach (var x in ) { var g = new SemaphoreSlim(2); Task.Run(async () => { await g.WaitAsync(); ",
        // field initializer that is not a semaphore, assignment to a method group
        Usings + "class G { SemaphoreSlim _s = 42; void M() { _s = M; _s.Wait(); return; _s.Release(); } }",
        // early return expression missing, yield in an async method
        Usings + "class H { SemaphoreSlim _s = new(1); async IAsyncEnumerable<int> M() { await _s.WaitAsync(); if (true) return ; yield return 1; _s.Release(); } }",
        // local function and lambda bodies that do not parse
        Usings + "class I { void M() { var s = new SemaphoreSlim(1); void L() => s.Wait(; Action a = () => { s.Release() }; } }",
        // partial type split with a wait in a property initializer
        Usings + "partial class J { SemaphoreSlim _s = new(0); } partial class J { bool P { get; } = _s.Wait(0); void M() { _s.Release(); _s.Wait(); } }",
        // top-level statements without a type
        Usings + "var s = new SemaphoreSlim(1); await s.WaitAsync(); Console.WriteLine(); s.Release(); foreach (var i in new[] {1}) { var t = new SemaphoreSlim(2); _ = Task.Run(() => t.Wait()); }",
    };

    [Theory]
    [MemberData(nameof(BrokenSnippets))]
    public async Task Never_throws_on_broken_code(string source)
    {
        await VerifyPT0005.NeverThrowsAsync(source);
        await VerifyPT0005.NeverThrowsAsync(source, "perftuner.PT0005.semaphore_types = System.Threading.Semaphore\nperftuner.PT0005.per_item_throttle = true");
    }

    [Fact]
    public async Task Broken_code_still_reports_the_shapes_it_can_see()
    {
        // A stray syntax error elsewhere in the file must not switch the rule off.
        var source = Wrap("""
            public sealed class Svc
            {
                private readonly SemaphoreSlim _s = new(2);
                public async Task RunAsync(IEmbedder e, CancellationToken ct)
                {
                    await _s.WaitAsync(ct);
                    await e.EmbedAsync("x", ct);
                    _s.Release();
                }

                public void Broken( { }
            }
            """);
        var diagnostics = await VerifyPT0005.GetAnalyzerDiagnosticsAsync(source);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        Assert.Single(diagnostics, d => d.Id == "PT0005");
    }
}
