using ConversationSearch.Domain;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace ConversationSearch.Storage;

/// <summary>How conversations map onto one Qdrant collection: vector size, payload fields and point ids.</summary>
public sealed class ConversationStore(QdrantClient client, string collectionName, int dimensions)
{
    public QdrantClient Client { get; } = client;

    public string CollectionName { get; } = collectionName;

    public int Dimensions { get; } = dimensions;

    public async Task EnsureCollectionAsync(CancellationToken cancellationToken = default)
    {
        if (await Client.CollectionExistsAsync(CollectionName, cancellationToken))
            return;
        await Client.CreateCollectionAsync(
            CollectionName,
            new VectorParams { Size = (ulong)Dimensions, Distance = Distance.Cosine },
            cancellationToken: cancellationToken);
    }

    public Task DeleteCollectionAsync(CancellationToken cancellationToken = default) =>
        Client.DeleteCollectionAsync(CollectionName, cancellationToken: cancellationToken);

    /// <summary>Point ids are stable UUIDs derived from the conversation id, so a re-import replaces, never duplicates.</summary>
    public static PointStruct ToPoint(Conversation conversation, float[] vector)
    {
        string preview = conversation.Messages[0].Text;
        return new PointStruct
        {
            Id = new PointId { Uuid = StableGuid(conversation.Id).ToString() },
            Vectors = vector,
            Payload =
            {
                ["conversation_id"] = conversation.Id,
                ["customer"] = conversation.Customer,
                ["topic"] = conversation.Topic,
                ["created"] = conversation.Created.ToString("O"),
                ["preview"] = preview.Length > 160 ? preview[..160] : preview,
            },
        };
    }

    public static ConversationHit ToHit(ScoredPoint point) =>
        new(Text(point, "conversation_id"), point.Score, Text(point, "customer"), Text(point, "topic"), Text(point, "preview"));

    private static string Text(ScoredPoint point, string field) =>
        point.Payload.TryGetValue(field, out Value? value) ? value.StringValue : "";

    private static Guid StableGuid(string id)
    {
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id));
        return new Guid(hash.AsSpan(0, 16));
    }
}
