using ConversationSearch.Domain;
using ConversationSearch.Embeddings;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace ConversationSearch.AntiPatterns;

/// <summary>
/// PT0003: looks for near-duplicate conversations by starting one search per conversation, all at once. With
/// 50,000 conversations that is 50,000 concurrent gRPC calls: Qdrant queues them, latencies explode and requests
/// time out. Limit the fan-out (Parallel.ForEachAsync with MaxDegreeOfParallelism, or a SemaphoreSlim), as
/// BatchedImporter does.
/// </summary>
public static class UnthrottledDuplicateScan
{
    public static async Task<IReadOnlyList<ScoredPoint>[]> FindNeighboursAsync(QdrantClient client, string collection,
        IEmbedder embedder, IReadOnlyList<Conversation> conversations, CancellationToken cancellationToken)
    {
        return await Task.WhenAll(conversations.Select(conversation => // PT0003
            client.QueryAsync(collection, embedder.Embed(conversation.Text), limit: 3, cancellationToken: cancellationToken)));
    }
}
