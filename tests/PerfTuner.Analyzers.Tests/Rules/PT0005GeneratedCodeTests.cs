using static PerfTuner.Analyzers.Tests.Rules.PT0005Sources;
using VerifyPT0005 = PerfTuner.Analyzers.Tests.Verifiers.Verify<PerfTuner.Analyzers.Rules.SemaphoreMisuseAnalyzer>;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// PT0005 in and around generated code, for each of its three report paths (a field wait judged at the end of the
/// type, a local/parameter wait judged in its block, a per-item semaphore): the analyzer driver's generated-code filter
/// drops reports in <c>#line hidden</c> regions and under <c>[GeneratedCode]</c> members, properties and types. These
/// pin the behaviour the rule had while the driver applied that filter, now that the rule applies it itself.
/// </summary>
public class PT0005GeneratedCodeTests
{
    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Expect(int location, string message) =>
        VerifyPT0005.Diagnostic("PT0005").WithLocation(location).WithArguments(message);

    [Fact]
    public async Task Field_wait_in_a_line_hidden_region_is_not_reported_and_the_visible_one_is()
    {
        var source = Wrap("""
            public sealed class HiddenSearch
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _throttle = new(8, 8);

                public HiddenSearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
                {
            #line hidden
                    await _throttle.WaitAsync(ct);
            #line default
                    var hits = await _client.SearchAsync("conversations", vector, limit: 10, cancellationToken: ct);
                    _throttle.Release();
                    return hits;
                }
            }

            public sealed class VisibleSearch
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _visible = new(8, 8);

                public VisibleSearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
                {
                    await {|#0:_visible.WaitAsync(ct)|};
                    var hits = await _client.SearchAsync("conversations", vector, limit: 10, cancellationToken: ct);
                    _visible.Release();
                    return hits;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_visible' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Parameter_wait_under_GeneratedCode_on_the_method_or_the_property_is_not_reported()
    {
        var source = Wrap("""
            using System.CodeDom.Compiler;

            public sealed class Importer
            {
                [GeneratedCode("tool", "1.0")]
                public static async Task GeneratedAsync(SemaphoreSlim gate, Func<Task> work, CancellationToken ct)
                {
                    await gate.WaitAsync(ct);
                    await work();
                    gate.Release();
                }

                public static SemaphoreSlim? Gate { get; set; }

                [GeneratedCode("tool", "1.0")]
                public static int GeneratedProperty
                {
                    get
                    {
                        Gate!.Wait();
                        var value = Environment.TickCount;
                        Gate.Release();
                        return value;
                    }
                }

                public static async Task HandWrittenAsync(SemaphoreSlim gate, Func<Task> work, CancellationToken ct)
                {
                    await {|#0:gate.WaitAsync(ct)|};
                    await work();
                    gate.Release();
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'gate' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Per_item_semaphore_in_a_GeneratedCode_type_is_not_reported()
    {
        var source = Wrap("""
            using System.CodeDom.Compiler;

            [GeneratedCode("tool", "1.0")]
            public sealed class GeneratedReindexer
            {
                public Task ReindexAsync(IEnumerable<int> items, Func<int, Task> work, CancellationToken ct) =>
                    Task.WhenAll(items.Select(async item =>
                    {
                        var gate = new SemaphoreSlim(4);
                        await gate.WaitAsync(ct);
                        try
                        {
                            await work(item);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source);
    }
}
