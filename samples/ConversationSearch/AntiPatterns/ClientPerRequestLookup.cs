using ConversationSearch.Domain;
using ConversationSearch.Storage;
using Qdrant.Client;

namespace ConversationSearch.AntiPatterns;

/// <summary>
/// PT0004: a new QdrantClient (a new gRPC channel: TCP + HTTP/2 handshake) for every lookup. Create one client per
/// process and share it, as Program.cs does.
/// </summary>
public sealed class ClientPerRequestLookup(Uri qdrantUrl, string collection)
{
    public async Task<IReadOnlyList<ConversationHit>> FindSimilarAsync(float[] vector, CancellationToken cancellationToken)
    {
        using var client = new QdrantClient(qdrantUrl); // PT0004
        var points = await client.QueryAsync(collection, vector, limit: 5, payloadSelector: true, cancellationToken: cancellationToken);
        return points.Select(ConversationStore.ToHit).ToArray();
    }
}
