using ConversationSearch.Domain;
using ConversationSearch.Embeddings;
using ConversationSearch.Storage;
using Qdrant.Client.Grpc;

namespace ConversationSearch.Import;

/// <summary>Import tuning: points per upsert request and upsert requests in flight at once.</summary>
public sealed record ImportOptions(int BatchSize = 100, int MaxConcurrentBatches = 4);

/// <summary>
/// Embeds conversations and upserts them in batches (one request per <see cref="ImportOptions.BatchSize"/> points,
/// not one per point) with at most <see cref="ImportOptions.MaxConcurrentBatches"/> requests in flight, so a large
/// import neither pays a round trip per conversation nor floods Qdrant with every request at once.
/// </summary>
public sealed class BatchedImporter(ConversationStore store, IEmbedder embedder, ImportOptions options)
{
    public async Task<int> ImportAsync(IAsyncEnumerable<Conversation> conversations, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentBatches, 1);
        await store.EnsureCollectionAsync(cancellationToken);

        int imported = 0;
        var parallelism = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxConcurrentBatches,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(ToBatchesAsync(conversations, cancellationToken), parallelism, async (batch, ct) =>
        {
            await store.Client.UpsertAsync(store.CollectionName, batch, wait: true, cancellationToken: ct);
            Interlocked.Add(ref imported, batch.Count);
        });
        return imported;
    }

    private async IAsyncEnumerable<IReadOnlyList<PointStruct>> ToBatchesAsync(
        IAsyncEnumerable<Conversation> conversations, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new List<PointStruct>(options.BatchSize);
        await foreach (Conversation conversation in conversations.WithCancellation(cancellationToken))
        {
            batch.Add(ConversationStore.ToPoint(conversation, embedder.Embed(conversation.Text)));
            if (batch.Count >= options.BatchSize)
            {
                yield return batch;
                batch = new List<PointStruct>(options.BatchSize);
            }
        }
        if (batch.Count > 0)
            yield return batch;
    }
}
