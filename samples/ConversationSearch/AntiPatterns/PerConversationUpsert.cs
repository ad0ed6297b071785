using ConversationSearch.Domain;
using ConversationSearch.Embeddings;
using ConversationSearch.Storage;
using Qdrant.Client;

namespace ConversationSearch.AntiPatterns;

/// <summary>
/// PT0002: one upsert request per conversation. 10,000 conversations cost 10,000 round trips instead of 100 batches
/// of 100. See BatchedImporter for the batched version.
/// </summary>
public static class PerConversationUpsert
{
    public static async Task ImportOneByOneAsync(QdrantClient client, string collection, IEmbedder embedder,
        IReadOnlyList<Conversation> conversations, CancellationToken cancellationToken)
    {
        foreach (Conversation conversation in conversations)
        {
            var point = ConversationStore.ToPoint(conversation, embedder.Embed(conversation.Text));
            await client.UpsertAsync(collection, new[] { point }, cancellationToken: cancellationToken); // PT0002
        }
    }
}
