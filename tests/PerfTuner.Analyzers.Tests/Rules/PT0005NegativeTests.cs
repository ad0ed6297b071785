using static PerfTuner.Analyzers.Tests.Rules.PT0005Sources;
using VerifyPT0005 = PerfTuner.Analyzers.Tests.Verifiers.Verify<PerfTuner.Analyzers.Rules.SemaphoreMisuseAnalyzer>;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0005 must stay silent on correct and ambiguous code: precision first.</summary>
public class PT0005NegativeTests
{
    [Fact]
    public async Task Canonical_wait_then_try_finally()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class ThrottledSearchService
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _throttle = new(8, 8);

                public ThrottledSearchService(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
                {
                    await _throttle.WaitAsync(ct);
                    try
                    {
                        return await _client.SearchAsync("conversations", vector, limit: 10, cancellationToken: ct);
                    }
                    finally
                    {
                        _throttle.Release();
                    }
                }

                public float[] Embed(IEmbedder embedder, string text)
                {
                    _throttle.Wait();
                    try { return embedder.Embed(text); }
                    finally { _throttle.Release(); }
                }
            }
            """));
    }

    [Fact]
    public async Task Timeout_check_returns_before_the_try_finally()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class BoundedSearch
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _slots = new(4, 4);

                public BoundedSearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>?> TrySearchAsync(float[] vector, CancellationToken ct)
                {
                    if (!await _slots.WaitAsync(TimeSpan.FromMilliseconds(250), ct))
                    {
                        return null;
                    }

                    try
                    {
                        return await _client.SearchAsync("docs", vector, cancellationToken: ct);
                    }
                    finally
                    {
                        _slots.Release();
                    }
                }
            }
            """));
    }

    [Fact]
    public async Task Acquired_local_checked_then_try_finally()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class EmbeddingLimiter
            {
                private readonly IEmbedder _embedder;
                private readonly SemaphoreSlim _limiter = new(2);

                public EmbeddingLimiter(IEmbedder embedder) => _embedder = embedder;

                public async Task<float[]> EmbedAsync(string text, TimeSpan timeout, CancellationToken ct)
                {
                    var acquired = await _limiter.WaitAsync(timeout, ct);
                    if (!acquired)
                    {
                        throw new TimeoutException("embedding limiter saturated");
                    }

                    try
                    {
                        return await _embedder.EmbedAsync(text, ct);
                    }
                    finally
                    {
                        _limiter.Release();
                    }
                }
            }
            """));
    }

    [Fact]
    public async Task Wait_inside_try_with_a_taken_flag_checked_in_finally()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class ImportWorker
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _importGate = new(2, 2);

                public ImportWorker(QdrantClient client) => _client = client;

                public async Task ImportAsync(IReadOnlyList<PointStruct> points, CancellationToken ct)
                {
                    bool taken = false;
                    try
                    {
                        await _importGate.WaitAsync(ct);
                        taken = true;
                        await _client.UpsertAsync("documents", points, cancellationToken: ct);
                    }
                    finally
                    {
                        if (taken)
                        {
                            _importGate.Release();
                        }
                    }
                }
            }
            """));
    }

    [Fact]
    public async Task Semaphore_created_once_and_shared_by_the_fan_out()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class Reindexer
            {
                private readonly QdrantClient _client;

                public Reindexer(QdrantClient client) => _client = client;

                public async Task ReindexAsync(IEnumerable<PointStruct> points, CancellationToken ct)
                {
                    using var throttle = new SemaphoreSlim(8);
                    await Task.WhenAll(points.Select(async point =>
                    {
                        await throttle.WaitAsync(ct);
                        try
                        {
                            await _client.UpsertAsync("documents", new[] { point }, cancellationToken: ct);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));

                    var tasks = new List<Task>();
                    foreach (var point in points)
                    {
                        tasks.Add(Task.Run(async () =>
                        {
                            await throttle.WaitAsync(ct);
                            try { await _client.DeleteAsync("staging", point.Id.Num, cancellationToken: ct); }
                            finally { throttle.Release(); }
                        }));
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """));
    }

    [Fact]
    public async Task Using_releaser_returned_by_an_acquire_method()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class AsyncLock
            {
                private readonly SemaphoreSlim _semaphore = new(1, 1);

                public async Task<IDisposable> LockAsync(CancellationToken ct)
                {
                    await _semaphore.WaitAsync(ct);
                    return new Releaser(_semaphore);
                }

                private sealed class Releaser : IDisposable
                {
                    private SemaphoreSlim? _toRelease;
                    public Releaser(SemaphoreSlim toRelease) => _toRelease = toRelease;
                    public void Dispose() => Interlocked.Exchange(ref _toRelease, null)?.Release();
                }
            }

            public static class SemaphoreExtensions
            {
                public static async Task<IDisposable> AcquireAsync(this SemaphoreSlim semaphore, CancellationToken ct)
                {
                    await semaphore.WaitAsync(ct);
                    return new Handle(semaphore);
                }

                private sealed class Handle(SemaphoreSlim semaphore) : IDisposable
                {
                    public void Dispose() => semaphore.Release();
                }
            }

            public sealed class MemoryWriter
            {
                private readonly AsyncLock _lock = new();
                private readonly SemaphoreSlim _batchGate = new(1, 1);

                public async Task WriteAsync(QdrantClient client, PointStruct point, CancellationToken ct)
                {
                    using (await _lock.LockAsync(ct))
                    {
                        await client.UpsertAsync("memory", new[] { point }, cancellationToken: ct);
                    }

                    using var handle = await _batchGate.AcquireAsync(ct);
                    await client.UpsertAsync("memory-log", new[] { point }, cancellationToken: ct);
                }
            }
            """));
    }

    [Fact]
    public async Task Acquire_and_release_in_separate_methods()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class ConnectionBudget
            {
                private readonly SemaphoreSlim _budget = new(64);

                public async ValueTask AcquireAsync(CancellationToken ct)
                {
                    await _budget.WaitAsync(ct);
                }

                public bool TryAcquire() => _budget.Wait(0);

                public void Release() => _budget.Release();
            }
            """));
    }

    [Fact]
    public async Task Producer_consumer_signal_released_by_another_method()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class EmbeddingQueue
            {
                private readonly ConcurrentQueue<Document> _items = new();
                private readonly SemaphoreSlim _available = new(0);
                private readonly SemaphoreSlim _capacity = new(100);

                public async Task EnqueueAsync(Document document, CancellationToken ct)
                {
                    await _capacity.WaitAsync(ct);
                    _items.Enqueue(document);
                    _available.Release();
                }

                public async Task<Document> DequeueAsync(CancellationToken ct)
                {
                    await _available.WaitAsync(ct);
                    _items.TryDequeue(out var document);
                    _capacity.Release();
                    return document!;
                }
            }
            """));
    }

    [Fact]
    public async Task New_SemaphoreSlim_zero_used_as_an_async_signal()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class SnapshotWaiter
            {
                public event Action? SnapshotCompleted;

                public async Task WaitForSnapshotsAsync(IEnumerable<string> collections, CancellationToken ct)
                {
                    var done = new SemaphoreSlim(0);
                    SnapshotCompleted += () => done.Release();
                    await done.WaitAsync(ct);

                    await Task.WhenAll(collections.Select(async collection =>
                    {
                        var finished = new SemaphoreSlim(0, 1);
                        ThreadPool.QueueUserWorkItem(_ => finished.Release());
                        await finished.WaitAsync(ct);
                    }));
                }
            }
            """));
    }

    [Fact]
    public async Task Per_batch_gate_shared_by_the_items_of_an_inner_fan_out()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class ChunkedImporter
            {
                private readonly QdrantClient _client;

                public ChunkedImporter(QdrantClient client) => _client = client;

                public async Task ImportAsync(IEnumerable<PointStruct> points, CancellationToken ct)
                {
                    foreach (var chunk in points.Chunk(1000))
                    {
                        var gate = new SemaphoreSlim(4);
                        await Task.WhenAll(chunk.Chunk(100).Select(async batch =>
                        {
                            await gate.WaitAsync(ct);
                            try { await _client.UpsertAsync("documents", batch, cancellationToken: ct); }
                            finally { gate.Release(); }
                        }));
                    }
                }
            }
            """));
    }

    [Fact]
    public async Task Per_key_lock_from_a_dictionary_inside_a_fan_out()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class PerTenantWriter
            {
                private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
                private readonly QdrantClient _client;

                public PerTenantWriter(QdrantClient client) => _client = client;

                public Task WriteAllAsync(IEnumerable<(string Tenant, PointStruct Point)> writes, CancellationToken ct) =>
                    Task.WhenAll(writes.Select(async write =>
                    {
                        var gate = _locks.GetOrAdd(write.Tenant, _ => new SemaphoreSlim(1, 1));
                        await gate.WaitAsync(ct);
                        try { await _client.UpsertAsync(write.Tenant, new[] { write.Point }, cancellationToken: ct); }
                        finally { gate.Release(); }
                    }));

                public async Task TouchAsync(string tenant, CancellationToken ct)
                {
                    await _locks[tenant].WaitAsync(ct);
                    _locks[tenant].Release();
                }
            }
            """));
    }

    [Fact]
    public async Task Permit_handed_to_a_background_task_that_releases_it()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class BackgroundIndexer
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _inFlight = new(16);

                public BackgroundIndexer(QdrantClient client) => _client = client;

                public async Task EnqueueAsync(PointStruct point, CancellationToken ct)
                {
                    await _inFlight.WaitAsync(ct);
                    _ = Task.Run(async () =>
                    {
                        try { await _client.UpsertAsync("documents", new[] { point }); }
                        finally { _inFlight.Release(); }
                    });
                }
            }
            """));
    }

    [Fact]
    public async Task Wait_immediately_followed_by_release_is_a_gate_check()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public static class Warmup
            {
                public static async Task WhenReadyAsync(SemaphoreSlim ready, CancellationToken ct)
                {
                    await ready.WaitAsync(ct);
                    ready.Release();
                }
            }
            """));
    }

    [Fact]
    public async Task Try_once_gate_that_is_never_released_on_purpose()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class CollectionBootstrapper
            {
                private readonly SemaphoreSlim _once = new(1, 1);

                public async Task EnsureCreatedAsync(QdrantClient client, CancellationToken ct)
                {
                    if (!_once.Wait(0))
                    {
                        return;
                    }

                    await client.CreateCollectionAsync("documents", new VectorParams { Size = 384, Distance = Distance.Cosine }, cancellationToken: ct);
                }
            }
            """));
    }

    [Fact]
    public async Task Acquire_that_releases_only_on_failure_and_hands_the_permit_to_a_lease()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class ClientPool
            {
                private readonly SemaphoreSlim _available = new(8);
                private bool _disposed;

                public async Task<Lease> RentAsync(CancellationToken ct)
                {
                    await _available.WaitAsync(ct);
                    if (_disposed)
                    {
                        _available.Release();
                        throw new ObjectDisposedException(nameof(ClientPool));
                    }

                    try
                    {
                        return new Lease(this, await ConnectAsync(ct));
                    }
                    catch
                    {
                        _available.Release();
                        throw;
                    }
                }

                internal void Return() => _available.Release();

                private static Task<QdrantClient> ConnectAsync(CancellationToken ct) => Task.FromResult<QdrantClient>(null!);

                public void Dispose() => _disposed = true;
            }

            public sealed class Lease(ClientPool pool, QdrantClient client) : IDisposable
            {
                public QdrantClient Client { get; } = client;
                public void Dispose() => pool.Return();
            }
            """));
    }

    [Fact]
    public async Task Injected_semaphore_waited_here_and_released_by_its_owner()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class SharedThrottleConsumer
            {
                private readonly SemaphoreSlim _shared;

                public SharedThrottleConsumer(SemaphoreSlim shared) => _shared = shared;

                public async Task<float[]> EmbedAsync(IEmbedder embedder, string text, CancellationToken ct)
                {
                    await _shared.WaitAsync(ct);
                    return await embedder.EmbedAsync(text, ct);
                }
            }
            """));
    }

    [Fact]
    public async Task Sequential_loop_with_a_local_semaphore_is_not_a_fan_out()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public static class SequentialImport
            {
                public static async Task RunAsync(QdrantClient client, IEnumerable<PointStruct[]> batches, CancellationToken ct)
                {
                    foreach (var batch in batches)
                    {
                        var gate = new SemaphoreSlim(1, 1);
                        await gate.WaitAsync(ct);
                        try { await client.UpsertAsync("documents", batch, cancellationToken: ct); }
                        finally { gate.Release(); }
                    }
                }
            }
            """));
    }

    [Fact]
    public async Task Hand_written_finally_with_release_in_catch_all_and_after_the_work()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class LegacySearch
            {
                private readonly QdrantClient _client;
                private readonly SemaphoreSlim _throttle = new(4);

                public LegacySearch(QdrantClient client) => _client = client;

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, CancellationToken ct)
                {
                    await _throttle.WaitAsync(ct);
                    IReadOnlyList<ScoredPoint> hits;
                    try
                    {
                        hits = await _client.SearchAsync("docs", vector, cancellationToken: ct);
                    }
                    catch
                    {
                        _throttle.Release();
                        throw;
                    }

                    _throttle.Release();
                    return hits;
                }
            }
            """));
    }

    [Fact]
    public async Task Nested_releaser_type_reading_the_outer_field()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class WriteSerializer
            {
                private readonly SemaphoreSlim _gate = new(1, 1);

                public async Task<Token> EnterAsync(CancellationToken ct)
                {
                    await _gate.WaitAsync(ct);
                    return new Token(this);
                }

                public sealed class Token(WriteSerializer owner) : IDisposable
                {
                    public void Dispose() => owner._gate.Release();
                }
            }
            """));
    }

    [Fact]
    public async Task Only_plain_assignments_between_wait_and_release()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class StartupState
            {
                private readonly SemaphoreSlim _stateGate = new(1, 1);
                private bool _started;
                private int _attempts;

                public async Task MarkStartedAsync(CancellationToken ct)
                {
                    await _stateGate.WaitAsync(ct);
                    _started = true;
                    _attempts = 0;
                    _stateGate.Release();
                }

                public bool IsStarted => _started && _attempts == 0;
            }
            """));
    }

    [Fact]
    public async Task Task_Wait_and_other_Release_methods_are_not_semaphores()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public sealed class Pipeline
            {
                private readonly ManualResetEventSlim _ready = new(false);
                private readonly Mutex _mutex = new();

                public void Run(Task warmup, ReaderWriterLockSlim rw)
                {
                    warmup.Wait();
                    _ready.Wait();
                    _mutex.WaitOne();
                    Console.WriteLine("work");
                    _mutex.ReleaseMutex();
                    rw.EnterReadLock();
                    rw.ExitReadLock();
                }
            }
            """));
    }

    [Fact]
    public async Task Local_semaphore_seen_by_one_call_only_blocks_nobody_when_leaked()
    {
        await VerifyPT0005.AnalyzerAsync(Wrap("""
            public static class OneShot
            {
                public static async Task<float[]> EmbedAsync(IEmbedder embedder, string text, CancellationToken ct)
                {
                    var gate = new SemaphoreSlim(1, 1);
                    await gate.WaitAsync(ct);
                    var vector = await embedder.EmbedAsync(text, ct);
                    gate.Release();
                    return vector;
                }
            }
            """));
    }
}
