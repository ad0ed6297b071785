using BenchmarkDotNet.Attributes;
using ConversationSearch.Embeddings;
using ConversationSearch.Import;
using ConversationSearch.Search;
using ConversationSearch.Storage;
using Qdrant.Client;

namespace ConversationSearch.Benchmarks;

/// <summary>
/// The service's own search path, measured by the PerfTuner smoke when the project sets PerfTunerBenchmarks
/// (e.g. -p:PerfTunerBenchmarks=*Search*). The runner sets QDRANT_URL (the embedded server or a real Qdrant);
/// setup imports the sample conversations into a temporary collection and cleanup removes it.
/// </summary>
public class SearchBenchmarks
{
    private static readonly string[] Queries =
    {
        "refund for a duplicate charge", "two-factor code never arrives", "export stuck for an hour",
        "upserts time out during import", "android app crashes on startup", "webhook fails with 502",
        "semantic search returns irrelevant results", "memory of the worker keeps growing",
    };

    private QdrantClient? _client;
    private ConversationStore? _store;
    private ConversationSearchService? _search;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var url = new Uri(Environment.GetEnvironmentVariable("QDRANT_URL") is { Length: > 0 } u ? u : "http://localhost:6334");
        _client = new QdrantClient(url, Environment.GetEnvironmentVariable("QDRANT_API_KEY"));
        var embedder = new HashingEmbedder();
        _store = new ConversationStore(_client, $"conversation_search_bench_{Guid.NewGuid():N}", embedder.Dimensions);
        string data = Path.Combine(Path.GetDirectoryName(typeof(SearchBenchmarks).Assembly.Location)!, "data", "conversations.jsonl");
        await new BatchedImporter(_store, embedder, new ImportOptions()).ImportAsync(ConversationReader.ReadAsync(data));
        _search = new ConversationSearchService(_store, embedder);
    }

    /// <summary>One uncached search per call: embedding + Qdrant round trip, the latency users feel on a cache miss.</summary>
    [Benchmark]
    public Task<IReadOnlyList<Domain.ConversationHit>> SearchUncached() =>
        _search!.SearchUncachedAsync(Queries[_next++ % Queries.Length], limit: 10);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_store is not null)
            await _store.DeleteCollectionAsync();
        _search?.Dispose();
        _client?.Dispose();
    }
}
