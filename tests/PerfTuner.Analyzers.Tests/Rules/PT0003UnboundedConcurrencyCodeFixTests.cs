using Microsoft.CodeAnalysis.Testing;
using PerfTuner.Analyzers.Rules;
using PerfTuner.CodeFixes;
using VerifyFixPT0003 = PerfTuner.Analyzers.Tests.Verifiers.VerifyFix<PerfTuner.Analyzers.Rules.UnboundedConcurrencyAnalyzer, PerfTuner.CodeFixes.UnboundedConcurrencyCodeFix>;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0003 code fix: Parallel.ForEachAsync when the results are unused, a SemaphoreSlim guard otherwise; Fix All.</summary>
public class PT0003UnboundedConcurrencyCodeFixTests
{
    private const string Prelude = PT0003UnboundedConcurrencyTests.Prelude;

    private static DiagnosticResult Expected(int location, string what, string source) =>
        PerfTuner.Analyzers.Tests.Verifiers.Verify<UnboundedConcurrencyAnalyzer>.Diagnostic("PT0003").WithLocation(location).WithArguments(what, source);

    [Fact]
    public Task Awaited_statement_with_async_block_becomes_Parallel_ForEachAsync() =>
        VerifyFixPT0003.CodeFixAsync(Prelude + """
            public sealed class Reindexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task ReindexAsync(IReadOnlyList<Document> documents)
                {
                    await {|#0:Task.WhenAll|}(documents.Select(async d =>
                    {
                        var vector = await embedder.EmbedAsync(d.Text);
                        await client.UpsertAsync("documents", new[] { new PointStruct { Id = d.Id, Vectors = vector } });
                    }));
                }
            }
            """, Prelude + """
            public sealed class Reindexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task ReindexAsync(IReadOnlyList<Document> documents)
                {
                    await Parallel.ForEachAsync(documents, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (d, cancellationToken) =>
                    {
                        var vector = await embedder.EmbedAsync(d.Text);
                        await client.UpsertAsync("documents", new[] { new PointStruct { Id = d.Id, Vectors = vector } });
                    });
                }
            }
            """,
            Expected(0, "Task.WhenAll", "documents"));

    [Fact]
    public Task Cancellation_token_used_by_the_work_is_forwarded_into_ParallelOptions() =>
        VerifyFixPT0003.CodeFixAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task WarmAsync(string[] texts, CancellationToken cancellationToken)
                {
                    await {|#0:Task.WhenAll|}(texts.Select(async text => await embedder.EmbedAsync(text, cancellationToken))).ConfigureAwait(false);
                }
            }
            """, Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task WarmAsync(string[] texts, CancellationToken cancellationToken)
                {
                    await Parallel.ForEachAsync(texts, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (text, ct) => await embedder.EmbedAsync(text, cancellationToken)).ConfigureAwait(false);
                }
            }
            """,
            Expected(0, "Task.WhenAll", "texts"));

    [Fact]
    public Task Synchronous_selector_is_awaited_inside_Parallel_ForEachAsync_with_the_configured_limit() =>
        VerifyFixPT0003.CodeFixAsync(Prelude + """
            public sealed class Cleaner(QdrantClient client)
            {
                public async Task DeleteAsync(List<ulong> ids)
                {
                    await {|#0:Task.WhenAll|}(ids.Select(id => client.DeleteAsync("documents", id)));
                }
            }
            """, Prelude + """
            public sealed class Cleaner(QdrantClient client)
            {
                public async Task DeleteAsync(List<ulong> ids)
                {
                    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, cancellationToken) => await client.DeleteAsync("documents", id));
                }
            }
            """,
            "perftuner.PT0003.max_degree_of_parallelism = 4",
            Expected(0, "Task.WhenAll", "ids"));

    [Fact]
    public Task A_token_in_scope_but_unused_is_not_forwarded_and_its_name_is_not_reused() =>
        VerifyFixPT0003.CodeFixAsync(Prelude + """
            public sealed class Cleaner(QdrantClient client)
            {
                public async Task DeleteAsync(ulong[] ids, CancellationToken cancellationToken)
                {
                    await {|#0:Task.WhenAll|}(ids.Select(async id =>
                    {
                        await client.DeleteAsync("documents", id);
                    }));
                }
            }
            """, Prelude + """
            public sealed class Cleaner(QdrantClient client)
            {
                public async Task DeleteAsync(ulong[] ids, CancellationToken cancellationToken)
                {
                    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
                    {
                        await client.DeleteAsync("documents", id);
                    });
                }
            }
            """,
            Expected(0, "Task.WhenAll", "ids"));

    [Fact]
    public Task Results_used_get_a_semaphore_guard_around_the_work() =>
        VerifyFixPT0003.CodeFixAsync(Prelude + """
            public sealed class MultiQuerySearch(QdrantClient client)
            {
                public async Task<int> SearchAllAsync(List<float[]> vectors, CancellationToken ct)
                {
                    var results = await {|#0:Task.WhenAll|}(vectors.Select(async vector =>
                    {
                        var hits = await client.SearchAsync("conversations", vector, limit: 10, cancellationToken: ct);
                        return hits.Count;
                    }));
                    return results.Sum();
                }
            }
            """, Prelude + """
            public sealed class MultiQuerySearch(QdrantClient client)
            {
                public async Task<int> SearchAllAsync(List<float[]> vectors, CancellationToken ct)
                {
                    using var throttle = new SemaphoreSlim(8);
                    var results = await Task.WhenAll(vectors.Select(async vector =>
                    {
                        await throttle.WaitAsync(ct);
                        try
                        {
                            var hits = await client.SearchAsync("conversations", vector, limit: 10, cancellationToken: ct);
                            return hits.Count;
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                    return results.Sum();
                }
            }
            """,
            Expected(0, "Task.WhenAll", "vectors"));

    [Fact]
    public Task Returned_join_of_a_synchronous_selector_gets_an_undisposed_semaphore() =>
        VerifyFixPT0003.CodeFixAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public Task<float[][]> EmbedAsync(IEnumerable<string> texts)
                {
                    return {|#0:Task.WhenAll|}(texts.Select(t => embedder.EmbedAsync(t)));
                }
            }
            """, Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public Task<float[][]> EmbedAsync(IEnumerable<string> texts)
                {
                    var throttle = new SemaphoreSlim(8);
                    return Task.WhenAll(texts.Select(async t =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await embedder.EmbedAsync(t);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }
            }
            """,
            Expected(0, "Task.WhenAll", "texts"));

    [Fact]
    public Task WaitAll_gets_a_semaphore_guard() =>
        VerifyFixPT0003.CodeFixAsync(Prelude + """
            public sealed class LegacyIndexer(IEmbedder embedder)
            {
                public void Embed(string[] texts)
                {
                    {|#0:Task.WaitAll|}(texts.Select(async t => await embedder.EmbedAsync(t)).ToArray());
                }
            }
            """, Prelude + """
            public sealed class LegacyIndexer(IEmbedder embedder)
            {
                public void Embed(string[] texts)
                {
                    using var throttle = new SemaphoreSlim(8);
                    Task.WaitAll(texts.Select(async t =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await embedder.EmbedAsync(t);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }).ToArray());
                }
            }
            """,
            Expected(0, "Task.WaitAll", "texts"));

    [Fact]
    public Task No_fix_is_offered_where_it_cannot_be_proven_equivalent()
    {
        const string source = Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public Task<float[][]> ByMethodGroup(IEnumerable<string> texts) => {|#0:Task.WhenAll|}(texts.Select(EmbedOneAsync));

                public async Task InLoop(IEnumerable<string> texts)
                {
                    var tasks = new List<Task>();
                    foreach (var t in texts) tasks.Add(embedder.EmbedAsync(t));
                    await {|#1:Task.WhenAll|}(tasks);
                }

                public async Task<float[][]> ExpressionBodied(string[] texts) => await {|#2:Task.WhenAll|}(texts.Select(t => embedder.EmbedAsync(t)));

                private Task<float[]> EmbedOneAsync(string text) => embedder.EmbedAsync(text);
            }
            """;
        var test = new PerfTuner.Analyzers.Tests.Verifiers.VerifyFix<UnboundedConcurrencyAnalyzer, UnboundedConcurrencyCodeFix>.CodeFixTest(editorConfig: null)
        {
            TestCode = source,
            FixedCode = source,
        };
        test.FixedState.MarkupHandling = MarkupMode.Allow;
        test.ExpectedDiagnostics.AddRange([Expected(0, "Task.WhenAll", "texts"), Expected(1, "Task.WhenAll", "texts"), Expected(2, "Task.WhenAll", "texts")]);
        test.FixedState.ExpectedDiagnostics.AddRange([Expected(0, "Task.WhenAll", "texts"), Expected(1, "Task.WhenAll", "texts"), Expected(2, "Task.WhenAll", "texts")]);
        return test.RunAsync();
    }

    [Fact]
    public Task Fix_all_bounds_every_fan_out_in_the_document_with_unique_names() =>
        VerifyFixPT0003.FixAllAsync(Prelude + """
            public sealed class Pipeline(QdrantClient client, IEmbedder embedder)
            {
                public async Task<int> RunAsync(string[] texts, List<float[]> vectors)
                {
                    var embedded = await {|PT0003:Task.WhenAll|}(texts.Select(t => embedder.EmbedAsync(t)));
                    var found = await {|PT0003:Task.WhenAll|}(vectors.Select(v => client.SearchAsync("documents", v, limit: 5)));
                    await {|PT0003:Task.WhenAll|}(texts.Select(async t => await embedder.EmbedAsync(t.ToUpperInvariant())));
                    return embedded.Length + found.Length;
                }
            }
            """, Prelude + """
            public sealed class Pipeline(QdrantClient client, IEmbedder embedder)
            {
                public async Task<int> RunAsync(string[] texts, List<float[]> vectors)
                {
                    using var throttle = new SemaphoreSlim(8);
                    var embedded = await Task.WhenAll(texts.Select(async t =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await embedder.EmbedAsync(t);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                    using var throttle2 = new SemaphoreSlim(8);
                    var found = await Task.WhenAll(vectors.Select(async v =>
                    {
                        await throttle2.WaitAsync();
                        try
                        {
                            return await client.SearchAsync("documents", v, limit: 5);
                        }
                        finally
                        {
                            throttle2.Release();
                        }
                    }));
                    await Parallel.ForEachAsync(texts, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (t, cancellationToken) => await embedder.EmbedAsync(t.ToUpperInvariant()));
                    return embedded.Length + found.Length;
                }
            }
            """);

    [Fact]
    public Task Fix_all_uses_the_configured_limit() =>
        VerifyFixPT0003.FixAllAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task A(string[] texts)
                {
                    await {|PT0003:Task.WhenAll|}(texts.Select(t => embedder.EmbedAsync(t)));
                }

                public async Task<int> B(List<string> texts)
                {
                    var vectors = await {|PT0003:Task.WhenAll|}(texts.Select(t => embedder.EmbedAsync(t)));
                    return vectors.Length;
                }
            }
            """, Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task A(string[] texts)
                {
                    await Parallel.ForEachAsync(texts, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (t, cancellationToken) => await embedder.EmbedAsync(t));
                }

                public async Task<int> B(List<string> texts)
                {
                    using var throttle = new SemaphoreSlim(2);
                    var vectors = await Task.WhenAll(texts.Select(async t =>
                    {
                        await throttle.WaitAsync();
                        try
                        {
                            return await embedder.EmbedAsync(t);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                    return vectors.Length;
                }
            }
            """,
            "perftuner.PT0003.max_degree_of_parallelism = 2");

    [Fact]
    public void Code_fix_is_registered_for_PT0003_and_supports_fix_all()
    {
        var fix = new UnboundedConcurrencyCodeFix();
        Assert.Equal("PT0003", Assert.Single(fix.FixableDiagnosticIds));
        Assert.NotNull(fix.GetFixAllProvider());
        Assert.Equal(8, UnboundedConcurrencyAnalyzer.DefaultMaxDegreeOfParallelism);
    }
}
