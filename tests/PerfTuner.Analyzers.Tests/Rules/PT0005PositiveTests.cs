using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using static PerfTuner.Analyzers.Tests.Rules.PT0005Sources;
using VerifyPT0005 = PerfTuner.Analyzers.Tests.Verifiers.Verify<PerfTuner.Analyzers.Rules.SemaphoreMisuseAnalyzer>;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0005 must report these: permits that leak on some path, and throttles created per item.</summary>
public class PT0005PositiveTests
{
    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult Expect(int location, string message) =>
        VerifyPT0005.Diagnostic("PT0005").WithLocation(location).WithArguments(message);

    private static int LineOf(string source, string marker)
    {
        var index = source.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(index >= 0, marker);
        return source[..index].Count(c => c == '\n') + 1;
    }

    [Fact]
    public async Task Qdrant_search_throttle_released_after_the_await_without_finally()
    {
        var source = Wrap("""
            public sealed class ThrottledSearchService
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _throttle = new(8, 8);

                public ThrottledSearchService(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
                {
                    await {|#0:_throttle.WaitAsync(ct)|};
                    var hits = await _client.SearchAsync("conversations", vector, limit: 10, cancellationToken: ct);
                    _throttle.Release();
                    return hits;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_throttle' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Synchronous_embedding_rate_limiter_released_in_straight_line_code()
    {
        var source = Wrap("""
            public sealed class EmbeddingRateLimiter
            {
                private readonly IEmbedder _embedder;
                private readonly SemaphoreSlim _limiter = new SemaphoreSlim(4);

                public EmbeddingRateLimiter(IEmbedder embedder) => _embedder = embedder;

                public float[] Embed(string text)
                {
                    {|#0:_limiter.Wait()|};
                    var vector = _embedder.Embed(text);
                    _limiter.Release();
                    return vector;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_limiter' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Cache_hit_returns_early_without_releasing()
    {
        var source = Wrap("""
            public sealed class CachedSearch
            {
                private readonly QdrantClient _client;
                private readonly ConcurrentDictionary<string, IReadOnlyList<ScoredPoint>> _cache = new();
                private readonly SemaphoreSlim _gate = new(1, 1);

                public CachedSearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(string key, float[] vector, CancellationToken ct)
                {
                    await {|#0:_gate.WaitAsync(ct)|};
                    if (_cache.TryGetValue(key, out var cached))
                    {
                        return cached; // early-return
                    }

                    var hits = await _client.SearchAsync("memory", vector, limit: 5, cancellationToken: ct);
                    _cache[key] = hits;
                    _gate.Release();
                    return hits;
                }
            }
            """);
        var line = LineOf(source, "return cached;");
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, $"'_gate' is not released on the early return at line {line}; release it in a finally block"));
    }

    [Fact]
    public async Task Import_worker_releases_only_in_catch()
    {
        var source = Wrap("""
            public sealed class ImportWorker
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _importGate = new(2, 2);

                public ImportWorker(QdrantClient client) => _client = client;

                public async Task ImportAsync(IReadOnlyList<PointStruct> points, CancellationToken ct)
                {
                    await {|#0:_importGate.WaitAsync(ct)|};
                    try
                    {
                        await _client.UpsertAsync("documents", points, cancellationToken: ct);
                    }
                    catch (Exception)
                    {
                        _importGate.Release();
                        throw;
                    }
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_importGate' is released only in a catch block; every call that succeeds leaks the permit"));
    }

    [Fact]
    public async Task Private_throttle_that_is_never_released()
    {
        var source = Wrap("""
            public sealed class RecallService
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _throttle = new(16);

                public RecallService(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> RecallAsync(float[] vector, CancellationToken ct)
                {
                    await {|#0:_throttle.WaitAsync(ct)|};
                    return await _client.SearchAsync("memory", vector, limit: 20, cancellationToken: ct);
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_throttle' is never released after this wait; every call leaks a permit"));
    }

    [Fact]
    public async Task Semaphore_parameter_released_after_the_upsert()
    {
        var source = Wrap("""
            public static class BatchImporter
            {
                public static async Task ImportBatchAsync(QdrantClient client, SemaphoreSlim gate, IReadOnlyList<PointStruct> batch, CancellationToken ct)
                {
                    await {|#0:gate.WaitAsync(ct)|};
                    await client.UpsertAsync("documents", batch, wait: false, cancellationToken: ct);
                    gate.Release();
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'gate' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Shared_throttle_in_a_fan_out_lambda_released_without_finally()
    {
        var source = Wrap("""
            public sealed class PointFetcher
            {
                private readonly QdrantClient _client;

                public PointFetcher(QdrantClient client) => _client = client;

                public async Task<RetrievedPoint[][]> FetchAllAsync(IEnumerable<ulong> ids, CancellationToken ct)
                {
                    var throttle = new SemaphoreSlim(8);
                    return await Task.WhenAll(ids.Select(async id =>
                    {
                        await {|#0:throttle.WaitAsync(ct)|};
                        var points = await _client.RetrieveAsync("documents", id, cancellationToken: ct);
                        throttle.Release();
                        return points.ToArray();
                    }));
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'throttle' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Timed_wait_whose_then_branch_releases_without_finally()
    {
        var source = Wrap("""
            public sealed class HybridSearch
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _slots = new(4, 4);

                public HybridSearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> TrySearchAsync(float[] vector, CancellationToken ct)
                {
                    if (await {|#0:_slots.WaitAsync(TimeSpan.FromSeconds(2), ct)|})
                    {
                        var hits = await _client.SearchAsync("docs", vector, cancellationToken: ct);
                        _slots.Release();
                        return hits;
                    }

                    return Array.Empty<ScoredPoint>();
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_slots' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Acquired_flag_checked_but_release_not_in_finally()
    {
        var source = Wrap("""
            public sealed class GuardedSearch
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _semaphore = new(10);

                public GuardedSearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>?> SearchAsync(float[] vector, CancellationToken ct)
                {
                    var acquired = await {|#0:_semaphore.WaitAsync(500, ct)|};
                    if (!acquired)
                    {
                        return null;
                    }

                    var hits = await _client.SearchAsync("docs", vector, cancellationToken: ct);
                    _semaphore.Release();
                    return hits;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_semaphore' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Release_at_the_end_of_a_try_block_with_a_narrow_catch()
    {
        var source = Wrap("""
            public sealed class ConversationMemory
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _writeGate = new(1, 1);

                public ConversationMemory(QdrantClient client) => _client = client;

                public async Task RememberAsync(PointStruct turn, CancellationToken ct)
                {
                    await {|#0:_writeGate.WaitAsync(ct)|};
                    try
                    {
                        await _client.UpsertAsync("turns", new[] { turn }, cancellationToken: ct);
                        _writeGate.Release();
                    }
                    catch (Grpc.Core.RpcException)
                    {
                        Console.Error.WriteLine("upsert failed");
                    }
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_writeGate' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Throttle_property_released_in_straight_line_code()
    {
        var source = Wrap("""
            public sealed class EmbeddingClient
            {
                private readonly IEmbedder _embedder;

                public EmbeddingClient(IEmbedder embedder) => _embedder = embedder;

                public SemaphoreSlim Throttle { get; } = new(3);

                public async Task<float[]> EmbedAsync(string text, CancellationToken ct)
                {
                    await {|#0:Throttle.WaitAsync(ct)|};
                    var vector = await _embedder.EmbedAsync(text, ct);
                    Throttle.Release();
                    return vector;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'Throttle' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Semaphore_created_per_item_in_Select_async()
    {
        var source = Wrap("""
            public sealed class Reindexer
            {
                private readonly QdrantClient _client;

                public Reindexer(QdrantClient client) => _client = client;

                public Task ReindexAsync(IEnumerable<PointStruct> points, CancellationToken ct) =>
                    Task.WhenAll(points.Select(async point =>
                    {
                        var gate = {|#0:new SemaphoreSlim(4)|};
                        await gate.WaitAsync(ct);
                        try
                        {
                            await _client.UpsertAsync("documents", new[] { point }, cancellationToken: ct);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'gate' is created per item of this fan-out, so it limits nothing; create it once outside"));
    }

    [Fact]
    public async Task Semaphore_created_per_item_in_a_foreach_with_Task_Run()
    {
        var source = Wrap("""
            public sealed class EmbeddingBackfill
            {
                private readonly IEmbedder _embedder;

                public EmbeddingBackfill(IEmbedder embedder) => _embedder = embedder;

                public async Task BackfillAsync(IReadOnlyList<Document> documents, CancellationToken ct)
                {
                    var tasks = new List<Task>();
                    foreach (var document in documents)
                    {
                        var throttle = {|#0:new SemaphoreSlim(2, 2)|};
                        tasks.Add(Task.Run(async () =>
                        {
                            await throttle.WaitAsync(ct);
                            try
                            {
                                await _embedder.EmbedAsync(document.Text, ct);
                            }
                            finally
                            {
                                throttle.Release();
                            }
                        }, ct));
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'throttle' is created per item of this fan-out, so it limits nothing; create it once outside"));
    }

    [Fact]
    public async Task Semaphore_created_inside_the_Task_Run_body_started_per_element()
    {
        var source = Wrap("""
            public static class ImportQueue
            {
                public static Task DrainAsync(QdrantClient client, IEnumerable<PointStruct[]> batches, CancellationToken ct)
                {
                    var running = new List<Task>();
                    foreach (var batch in batches)
                    {
                        running.Add(Task.Run(async () =>
                        {
                            using var limiter = {|#0:new SemaphoreSlim(1)|};
                            await limiter.WaitAsync(ct);
                            try
                            {
                                await client.UpsertAsync("documents", batch, cancellationToken: ct);
                            }
                            finally
                            {
                                limiter.Release();
                            }
                        }));
                    }

                    return Task.WhenAll(running);
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'limiter' is created per item of this fan-out, so it limits nothing; create it once outside"));
    }

    [Fact]
    public async Task Semaphore_created_per_item_in_Parallel_ForEachAsync()
    {
        var source = Wrap("""
            public static class SnapshotWarmer
            {
                public static Task WarmAsync(QdrantClient client, IEnumerable<string> collections, CancellationToken ct) =>
                    Parallel.ForEachAsync(collections, ct, async (collection, token) =>
                    {
                        var perCollection = {|#0:new SemaphoreSlim(2)|};
                        await perCollection.WaitAsync(token);
                        try
                        {
                            await client.GetCollectionInfoAsync(collection, token);
                        }
                        finally
                        {
                            perCollection.Release();
                        }
                    });
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'perCollection' is created per item of this fan-out, so it limits nothing; create it once outside"));
    }

    [Fact]
    public async Task A_throw_between_wait_and_release_leaks_the_permit()
    {
        var source = Wrap("""
            public sealed class QueryValidator
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _throttle = new(4);

                public QueryValidator(QdrantClient client) => _client = client;

                public async Task<ulong> CountAsync(string collection, CancellationToken ct)
                {
                    {|#0:_throttle.Wait(ct)|};
                    if (string.IsNullOrEmpty(collection))
                    {
                        throw new ArgumentException("collection required", nameof(collection));
                    }

                    var count = await _client.CountAsync(collection, cancellationToken: ct);
                    _throttle.Release();
                    return count;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_throttle' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Static_throttle_of_another_class_released_without_finally()
    {
        var source = Wrap("""
            public static class Throttles
            {
                public static readonly SemaphoreSlim Qdrant = new(32);
            }

            public sealed class FacetService
            {
                private readonly QdrantClient _client;

                public FacetService(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
                {
                    await {|#0:Throttles.Qdrant.WaitAsync(ct)|};
                    var hits = await _client.SearchAsync("facets", vector, cancellationToken: ct);
                    Throttles.Qdrant.Release();
                    return hits;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'Qdrant' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Partial_class_never_releases_its_private_throttle_anywhere()
    {
        var source = Wrap("""
            public sealed partial class SessionStore
            {
                private readonly SemaphoreSlim _sessionGate = new(1, 1);
                private readonly QdrantClient _client;

                public SessionStore(QdrantClient client) => _client = client;
            }

            public sealed partial class SessionStore
            {
                public async Task SaveAsync(PointStruct session, CancellationToken ct)
                {
                    await {|#0:_sessionGate.WaitAsync(ct)|};
                    if (session.Id is null)
                    {
                        return;
                    }

                    await _client.UpsertAsync("sessions", new[] { session }, cancellationToken: ct);
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_sessionGate' is never released after this wait; every call leaks a permit"));
    }

    [Fact]
    public async Task Release_only_on_the_branch_that_found_results()
    {
        var source = Wrap("""
            public sealed class NeighbourLookup
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _lookups = new(6);

                public NeighbourLookup(QdrantClient client) => _client = client;

                public async Task<ScoredPoint?> NearestAsync(float[] vector, CancellationToken ct)
                {
                    await {|#0:_lookups.WaitAsync(ct)|};
                    var hits = await _client.SearchAsync("docs", vector, limit: 1, cancellationToken: ct);
                    if (hits.Count > 0)
                    {
                        _lookups.Release();
                        return hits[0];
                    }

                    return null;
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_lookups' is released on some paths only; release it in a finally block"));
    }

    [Fact]
    public async Task Wait_in_a_local_function_and_a_delegate_released_without_finally()
    {
        var source = Wrap("""
            public sealed class Scheduler
            {
                public Func<Task> Build(SemaphoreSlim slots, IEmbedder embedder, CancellationToken ct)
                {
                    async Task<float[]> EmbedOne(string text)
                    {
                        {|#0:slots.Wait(ct)|};
                        var vector = await embedder.EmbedAsync(text, ct);
                        slots.Release();
                        return vector;
                    }

                    return async () =>
                    {
                        await {|#1:slots.WaitAsync(ct)|};
                        await EmbedOne("warm-up");
                        slots.Release();
                    };
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(
            source,
            Expect(0, "'slots' is released outside a finally block; an exception in between leaks the permit"),
            Expect(1, "'slots' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task A_later_protected_wait_does_not_excuse_an_earlier_leaking_one()
    {
        var source = Wrap("""
            public sealed class TwoPhaseImport
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _writes = new(2);

                public TwoPhaseImport(QdrantClient client) => _client = client;

                public async Task ImportAsync(IReadOnlyList<PointStruct> staging, IReadOnlyList<PointStruct> live, CancellationToken ct)
                {
                    await {|#0:_writes.WaitAsync(ct)|};
                    await _client.UpsertAsync("staging", staging, cancellationToken: ct);
                    _writes.Release();

                    await _writes.WaitAsync(ct);
                    try
                    {
                        await _client.UpsertAsync("live", live, cancellationToken: ct);
                    }
                    finally
                    {
                        _writes.Release();
                    }
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_writes' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Release_at_the_end_of_a_switch_section()
    {
        var source = Wrap("""
            public enum Operation { Search, Count }

            public sealed class OperationRouter
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _calls = new(8);

                public OperationRouter(QdrantClient client) => _client = client;

                public async Task<object> RunAsync(Operation operation, float[] vector, CancellationToken ct)
                {
                    switch (operation)
                    {
                        case Operation.Search:
                            await {|#0:_calls.WaitAsync(ct)|};
                            var hits = await _client.SearchAsync("docs", vector, cancellationToken: ct);
                            _calls.Release();
                            return hits;
                        default:
                            return await _client.CountAsync("docs", cancellationToken: ct);
                    }
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_calls' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Double_checked_initialization_that_releases_on_its_early_return_is_still_unsafe_on_failure()
    {
        // The early return releases first, so the message must not blame it; the CreateCollectionAsync failure still leaks.
        var source = Wrap("""
            public sealed class CollectionInitializer
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _initLock = new(1, 1);
                private bool _ready;

                public CollectionInitializer(QdrantClient client) => _client = client;

                public async Task EnsureAsync(CancellationToken ct)
                {
                    if (_ready)
                    {
                        return;
                    }

                    await {|#0:_initLock.WaitAsync(ct)|};
                    if (_ready)
                    {
                        _initLock.Release();
                        return;
                    }

                    await _client.CreateCollectionAsync("documents", new VectorParams { Size = 384, Distance = Distance.Cosine }, cancellationToken: ct);
                    _ready = true;
                    _initLock.Release();
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'_initLock' is released outside a finally block; an exception in between leaks the permit"));
    }

    [Fact]
    public async Task Local_throttle_in_a_loop_that_swallows_failures_deadlocks_the_next_iteration()
    {
        var source = Wrap("""
            public static class ResilientImport
            {
                public static async Task RunAsync(QdrantClient client, IEnumerable<PointStruct[]> batches, CancellationToken ct)
                {
                    var gate = new SemaphoreSlim(1, 1);
                    foreach (var batch in batches)
                    {
                        try
                        {
                            await {|#0:gate.WaitAsync(ct)|};
                            await client.UpsertAsync("documents", batch, cancellationToken: ct);
                            gate.Release();
                        }
                        catch (Grpc.Core.RpcException ex)
                        {
                            Console.Error.WriteLine(ex.Status);
                        }
                    }
                }
            }
            """);
        await VerifyPT0005.AnalyzerAsync(source, Expect(0, "'gate' is released outside a finally block; an exception in between leaks the permit"));
    }
}
