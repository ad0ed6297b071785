using static PerfTuner.Analyzers.Tests.Rules.PT0005Sources;
using VerifyPT0005 = PerfTuner.Analyzers.Tests.Verifiers.Verify<PerfTuner.Analyzers.Rules.SemaphoreMisuseAnalyzer>;
using VerifyPT0005Fix = PerfTuner.Analyzers.Tests.Verifiers.VerifyFix<PerfTuner.Analyzers.Rules.SemaphoreMisuseAnalyzer, PerfTuner.CodeFixes.SemaphoreMisuseCodeFix>;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>The PT0005 code fix moves the work after the wait into try/finally with the Release in finally.</summary>
public class PT0005CodeFixTests
{
    [Fact]
    public async Task Straight_line_release_moves_into_finally_and_the_result_local_is_declared_before_the_try()
    {
        var source = Wrap("""
            public sealed class ThrottledSearchService
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _throttle = new(8, 8);

                public ThrottledSearchService(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
                {
                    await [|_throttle.WaitAsync(ct)|];
                    var hits = await _client.SearchAsync("conversations", vector, limit: 10, cancellationToken: ct);
                    _throttle.Release();
                    return hits;
                }
            }
            """);
        var fixedSource = Wrap("""
            public sealed class ThrottledSearchService
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _throttle = new(8, 8);

                public ThrottledSearchService(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
                {
                    await _throttle.WaitAsync(ct);
                    IReadOnlyList<ScoredPoint> hits;
                    try
                    {
                        hits = await _client.SearchAsync("conversations", vector, limit: 10, cancellationToken: ct);
                    }
                    finally
                    {
                        _throttle.Release();
                    }

                    return hits;
                }
            }
            """);
        await VerifyPT0005Fix.CodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Synchronous_wait_with_no_locals_used_afterwards()
    {
        var source = Wrap("""
            public sealed class ImportWorker
            {
                private readonly SemaphoreSlim _gate = new(2);

                public void Import(QdrantClient client, IReadOnlyList<PointStruct> points)
                {
                    [|_gate.Wait()|];
                    var batch = points.Take(100).ToList();
                    client.UpsertAsync("documents", batch).GetAwaiter().GetResult();
                    _gate.Release();
                    Console.WriteLine("imported");
                }
            }
            """);
        var fixedSource = Wrap("""
            public sealed class ImportWorker
            {
                private readonly SemaphoreSlim _gate = new(2);

                public void Import(QdrantClient client, IReadOnlyList<PointStruct> points)
                {
                    _gate.Wait();
                    try
                    {
                        var batch = points.Take(100).ToList();
                        client.UpsertAsync("documents", batch).GetAwaiter().GetResult();
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    Console.WriteLine("imported");
                }
            }
            """);
        await VerifyPT0005Fix.CodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Early_return_path_that_already_released_loses_its_own_release()
    {
        var source = Wrap("""
            public sealed class CachedSearch
            {
                private readonly QdrantClient _client;
                private readonly Dictionary<string, IReadOnlyList<ScoredPoint>> _cache = new();
                private readonly SemaphoreSlim _gate = new(1, 1);

                public CachedSearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(string key, float[] vector, CancellationToken ct)
                {
                    await [|_gate.WaitAsync(ct)|];
                    if (_cache.TryGetValue(key, out var cached))
                    {
                        _gate.Release();
                        return cached;
                    }

                    if (vector.Length == 0)
                    {
                        return Array.Empty<ScoredPoint>();
                    }

                    var hits = await _client.SearchAsync("memory", vector, cancellationToken: ct);
                    _cache[key] = hits;
                    _gate.Release();
                    return hits;
                }
            }
            """);
        var fixedSource = Wrap("""
            public sealed class CachedSearch
            {
                private readonly QdrantClient _client;
                private readonly Dictionary<string, IReadOnlyList<ScoredPoint>> _cache = new();
                private readonly SemaphoreSlim _gate = new(1, 1);

                public CachedSearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(string key, float[] vector, CancellationToken ct)
                {
                    await _gate.WaitAsync(ct);
                    IReadOnlyList<ScoredPoint> hits;
                    try
                    {
                        if (_cache.TryGetValue(key, out var cached))
                        {
                            return cached;
                        }

                        if (vector.Length == 0)
                        {
                            return Array.Empty<ScoredPoint>();
                        }

                        hits = await _client.SearchAsync("memory", vector, cancellationToken: ct);
                        _cache[key] = hits;
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    return hits;
                }
            }
            """);
        await VerifyPT0005Fix.CodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task No_fix_when_the_release_is_in_another_block()
    {
        // Reported (released outside finally, inside the then-branch), but the wait is the if condition: no safe rewrite.
        var source = Wrap("""
            public sealed class HybridSearch
            {
                private readonly SemaphoreSlim _slots = new(4, 4);

                public async Task<int> TryAsync(IEmbedder embedder, CancellationToken ct)
                {
                    if (await [|_slots.WaitAsync(TimeSpan.FromSeconds(2), ct)|])
                    {
                        var vector = await embedder.EmbedAsync("q", ct);
                        _slots.Release();
                        return vector.Length;
                    }

                    return 0;
                }
            }
            """);
        await VerifyPT0005Fix.CodeFixAsync(source, source);
    }

    [Fact]
    public async Task No_fix_for_the_per_item_shape()
    {
        var source = Wrap("""
            public static class Reindexer
            {
                public static Task RunAsync(QdrantClient client, IEnumerable<PointStruct> points, CancellationToken ct) =>
                    Task.WhenAll(points.Select(async point =>
                    {
                        var gate = [|new SemaphoreSlim(4)|];
                        await gate.WaitAsync(ct);
                        try { await client.UpsertAsync("documents", new[] { point }, cancellationToken: ct); }
                        finally { gate.Release(); }
                    }));
            }
            """);
        await VerifyPT0005Fix.CodeFixAsync(source, source);
    }

    [Fact]
    public async Task Fix_all_wraps_every_leaking_wait_in_the_document()
    {
        var source = Wrap("""
            public sealed class EmbeddingPipeline
            {
                private readonly IEmbedder _embedder;
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _embedThrottle = new(4);
                private readonly SemaphoreSlim _upsertThrottle = new(2);

                public EmbeddingPipeline(IEmbedder embedder, QdrantClient client)
                {
                    _embedder = embedder;
                    _client = client;
                }

                public async Task<PointStruct> EmbedAsync(Document document, CancellationToken ct)
                {
                    await [|_embedThrottle.WaitAsync(ct)|];
                    var vector = await _embedder.EmbedAsync(document.Text, ct);
                    _embedThrottle.Release();
                    return new PointStruct { Id = Guid.NewGuid(), Vectors = vector };
                }

                public async Task StoreAsync(PointStruct point, CancellationToken ct)
                {
                    await [|_upsertThrottle.WaitAsync(ct)|];
                    await _client.UpsertAsync("documents", new[] { point }, cancellationToken: ct);
                    _upsertThrottle.Release();

                    await [|_embedThrottle.WaitAsync(ct)|];
                    Console.WriteLine(point.Id);
                    _embedThrottle.Release();
                }
            }
            """);
        var fixedSource = Wrap("""
            public sealed class EmbeddingPipeline
            {
                private readonly IEmbedder _embedder;
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _embedThrottle = new(4);
                private readonly SemaphoreSlim _upsertThrottle = new(2);

                public EmbeddingPipeline(IEmbedder embedder, QdrantClient client)
                {
                    _embedder = embedder;
                    _client = client;
                }

                public async Task<PointStruct> EmbedAsync(Document document, CancellationToken ct)
                {
                    await _embedThrottle.WaitAsync(ct);
                    float[] vector;
                    try
                    {
                        vector = await _embedder.EmbedAsync(document.Text, ct);
                    }
                    finally
                    {
                        _embedThrottle.Release();
                    }

                    return new PointStruct { Id = Guid.NewGuid(), Vectors = vector };
                }

                public async Task StoreAsync(PointStruct point, CancellationToken ct)
                {
                    await _upsertThrottle.WaitAsync(ct);
                    try
                    {
                        await _client.UpsertAsync("documents", new[] { point }, cancellationToken: ct);
                    }
                    finally
                    {
                        _upsertThrottle.Release();
                    }

                    await _embedThrottle.WaitAsync(ct);
                    try
                    {
                        Console.WriteLine(point.Id);
                    }
                    finally
                    {
                        _embedThrottle.Release();
                    }
                }
            }
            """);
        await VerifyPT0005Fix.FixAllAsync(source, fixedSource);
    }

    [Fact]
    public async Task Fixed_code_is_clean_under_the_analyzer()
    {
        var fixedSource = Wrap("""
            public sealed class Svc
            {
                private readonly SemaphoreSlim _s = new(2);
                public async Task<float[]> RunAsync(IEmbedder e, CancellationToken ct)
                {
                    await _s.WaitAsync(ct);
                    float[] vector;
                    try
                    {
                        vector = await e.EmbedAsync("x", ct);
                    }
                    finally
                    {
                        _s.Release();
                    }

                    return vector;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(fixedSource);
    }

    [Fact]
    public async Task ConfigureAwait_wait_in_a_library_method()
    {
        var source = Wrap("""
            public sealed class CollectionAdmin
            {
                private readonly SemaphoreSlim _adminGate = new(1, 1);

                public async Task<bool> RecreateAsync(QdrantClient client, string name, CancellationToken ct)
                {
                    await [|_adminGate.WaitAsync(ct)|].ConfigureAwait(false);
                    // Drop and create under one permit.
                    var existed = await client.CollectionExistsAsync(name, ct).ConfigureAwait(false);
                    if (existed)
                    {
                        await client.DeleteCollectionAsync(name, cancellationToken: ct).ConfigureAwait(false);
                    }

                    await client.CreateCollectionAsync(name, new VectorParams { Size = 384, Distance = Distance.Cosine }, cancellationToken: ct).ConfigureAwait(false);
                    _adminGate.Release();
                    return existed;
                }
            }
            """);
        var fixedSource = Wrap("""
            public sealed class CollectionAdmin
            {
                private readonly SemaphoreSlim _adminGate = new(1, 1);

                public async Task<bool> RecreateAsync(QdrantClient client, string name, CancellationToken ct)
                {
                    await _adminGate.WaitAsync(ct).ConfigureAwait(false);
                    bool existed;
                    try
                    {
                        // Drop and create under one permit.
                        existed = await client.CollectionExistsAsync(name, ct).ConfigureAwait(false);
                        if (existed)
                        {
                            await client.DeleteCollectionAsync(name, cancellationToken: ct).ConfigureAwait(false);
                        }

                        await client.CreateCollectionAsync(name, new VectorParams { Size = 384, Distance = Distance.Cosine }, cancellationToken: ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        _adminGate.Release();
                    }

                    return existed;
                }
            }
            """);
        await VerifyPT0005Fix.CodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task No_fix_when_a_local_declared_in_between_is_an_out_variable_used_later()
    {
        var source = Wrap("""
            public sealed class Lookup
            {
                private readonly SemaphoreSlim _gate = new(1, 1);
                private readonly Dictionary<string, float[]> _vectors = new();

                public async Task<float[]?> GetAsync(IEmbedder embedder, string key, CancellationToken ct)
                {
                    await [|_gate.WaitAsync(ct)|];
                    _vectors.TryGetValue(key, out var vector);
                    await embedder.EmbedAsync(key, ct);
                    _gate.Release();
                    return vector;
                }
            }
            """);
        await VerifyPT0005Fix.CodeFixAsync(source, source);
    }

    [Fact]
    public async Task Fix_all_handles_a_leaking_wait_nested_inside_another_fixed_region()
    {
        var source = Wrap("""
            public sealed class Pipeline
            {
                private readonly SemaphoreSlim _batches = new(2);

                public async Task RunAsync(IEmbedder embedder, IReadOnlyList<string> texts, CancellationToken ct)
                {
                    await [|_batches.WaitAsync(ct)|];
                    var perText = new SemaphoreSlim(4);
                    await Task.WhenAll(texts.Select(async text =>
                    {
                        await [|perText.WaitAsync(ct)|];
                        await embedder.EmbedAsync(text, ct);
                        perText.Release();
                    }));
                    _batches.Release();
                }
            }
            """);
        var fixedSource = Wrap("""
            public sealed class Pipeline
            {
                private readonly SemaphoreSlim _batches = new(2);

                public async Task RunAsync(IEmbedder embedder, IReadOnlyList<string> texts, CancellationToken ct)
                {
                    await _batches.WaitAsync(ct);
                    try
                    {
                        var perText = new SemaphoreSlim(4);
                        await Task.WhenAll(texts.Select(async text =>
                        {
                            await perText.WaitAsync(ct);
                            try
                            {
                                await embedder.EmbedAsync(text, ct);
                            }
                            finally
                            {
                                perText.Release();
                            }
                        }));
                    }
                    finally
                    {
                        _batches.Release();
                    }
                }
            }
            """);
        await VerifyPT0005Fix.FixAllAsync(source, fixedSource);
    }
}
