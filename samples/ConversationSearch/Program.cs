using ConversationSearch.Embeddings;
using ConversationSearch.Import;
using ConversationSearch.Search;
using ConversationSearch.Storage;
using Qdrant.Client;

// conversation-search import [FILE]        import a JSONL export (default: data/conversations.jsonl)
// conversation-search search QUERY [LIMIT] semantic search over the imported conversations
// Qdrant: QDRANT_URL (gRPC port, default http://localhost:6334) and QDRANT_API_KEY.
const string Collection = "conversations";

if (args.Length == 0 || args[0] is not ("import" or "search") || (args[0] == "search" && args.Length < 2))
{
    Console.Error.WriteLine("usage: conversation-search import [FILE] | search QUERY [LIMIT]");
    return 2;
}

var url = new Uri(Environment.GetEnvironmentVariable("QDRANT_URL") is { Length: > 0 } u ? u : "http://localhost:6334");
using var client = new QdrantClient(url, Environment.GetEnvironmentVariable("QDRANT_API_KEY"));
var embedder = new HashingEmbedder();
var store = new ConversationStore(client, Collection, embedder.Dimensions);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

try
{
    if (args[0] == "import")
    {
        string file = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "data", "conversations.jsonl");
        var importer = new BatchedImporter(store, embedder, new ImportOptions());
        int count = await importer.ImportAsync(ConversationReader.ReadAsync(file, cancel.Token), cancel.Token);
        Console.WriteLine($"imported {count} conversations into '{Collection}'");
    }
    else
    {
        ulong limit = args.Length > 2 && ulong.TryParse(args[2], out ulong l) ? l : 5;
        using var search = new ConversationSearchService(store, embedder);
        foreach (var hit in await search.SearchAsync(args[1], limit, cancel.Token))
            Console.WriteLine($"{hit.Score:F3}  {hit.ConversationId}  [{hit.Topic}] {hit.Customer}: {hit.Preview}");
    }
    return 0;
}
catch (ConversationFormatException e)
{
    Console.Error.WriteLine($"{e.Path}({e.Line}): error: {e.Message}");
    return 1;
}
catch (Grpc.Core.RpcException e)
{
    Console.Error.WriteLine($"Qdrant at {url.Scheme}://{url.Host}:{url.Port} failed: {e.Status.StatusCode} {e.Status.Detail}");
    return 1;
}
