using ConversationSearch.Domain;
using ConversationSearch.Embeddings;
using ConversationSearch.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace ConversationSearch.Search;

/// <summary>Search tuning: result cache size (entries) and how long a cached result stays fresh.</summary>
public sealed record SearchOptions(int CacheEntries = 1_000, TimeSpan? CacheTtl = null, ulong HnswEf = 64);

/// <summary>
/// Semantic search over conversations. Repeated queries (dashboards, autocomplete) are served from a bounded
/// MemoryCache: SizeLimit caps the entry count and every entry has Size = 1 and an expiry, so memory stays flat
/// however many distinct queries arrive.
/// </summary>
public sealed class ConversationSearchService : IDisposable
{
    private readonly ConversationStore _store;
    private readonly IEmbedder _embedder;
    private readonly SearchOptions _options;
    private readonly MemoryCache _cache;

    public ConversationSearchService(ConversationStore store, IEmbedder embedder, SearchOptions? options = null)
    {
        _store = store;
        _embedder = embedder;
        _options = options ?? new SearchOptions();
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.CacheEntries });
    }

    /// <summary>Cached search: the same (query, limit) within the TTL costs no embedding and no Qdrant call.</summary>
    public async Task<IReadOnlyList<ConversationHit>> SearchAsync(string query, ulong limit = 10, CancellationToken cancellationToken = default)
    {
        var key = (Normalize(query), limit);
        if (_cache.TryGetValue(key, out IReadOnlyList<ConversationHit>? cached) && cached is not null)
            return cached;

        IReadOnlyList<ConversationHit> hits = await SearchUncachedAsync(query, limit, cancellationToken);
        _cache.Set(key, hits, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = _options.CacheTtl ?? TimeSpan.FromMinutes(5),
        });
        return hits;
    }

    /// <summary>The search path itself: embed the query, ask Qdrant for the nearest conversations.</summary>
    public async Task<IReadOnlyList<ConversationHit>> SearchUncachedAsync(string query, ulong limit = 10, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        float[] vector = _embedder.Embed(query);
        var points = await _store.Client.QueryAsync(
            _store.CollectionName,
            query: vector,
            searchParams: new Qdrant.Client.Grpc.SearchParams { HnswEf = _options.HnswEf },
            limit: limit,
            payloadSelector: true,
            cancellationToken: cancellationToken);
        return points.Select(ConversationStore.ToHit).ToArray();
    }

    public void Dispose() => _cache.Dispose();

    private static string Normalize(string query) => string.Join(' ', query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
