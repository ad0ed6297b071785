using ConversationSearch.Embeddings;

namespace ConversationSearch.AntiPatterns;

/// <summary>
/// PT0001: every distinct text ever embedded stays in memory. Under real traffic (free-text queries) the dictionary
/// grows until the process runs out of memory. Bound it: MemoryCache with SizeLimit (see ConversationSearchService).
/// </summary>
public sealed class CachingEmbedder(IEmbedder inner) : IEmbedder
{
    private static readonly Dictionary<string, float[]> EmbeddingCache = new(); // PT0001

    public int Dimensions => inner.Dimensions;

    public float[] Embed(string text)
    {
        lock (EmbeddingCache)
        {
            if (!EmbeddingCache.TryGetValue(text, out float[]? vector))
            {
                vector = inner.Embed(text);
                EmbeddingCache[text] = vector;
            }
            return vector;
        }
    }
}
