using System.Text;

namespace ConversationSearch.Embeddings;

/// <summary>Turns text into a fixed-size vector.</summary>
public interface IEmbedder
{
    int Dimensions { get; }

    float[] Embed(string text);
}

/// <summary>
/// Deterministic feature-hashing embeddings: lower-cased word unigrams and bigrams are hashed (FNV-1a) into
/// <see cref="Dimensions"/> buckets with a sign bit, then L2-normalised. No model download, identical vectors on every
/// machine, and texts that share words land close together, which is all a search-path benchmark needs.
/// </summary>
public sealed class HashingEmbedder : IEmbedder
{
    public HashingEmbedder(int dimensions = 384)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 8);
        Dimensions = dimensions;
    }

    public int Dimensions { get; }

    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[Dimensions];
        string? previous = null;
        foreach (string word in Tokenize(text))
        {
            Add(vector, word, 1f);
            if (previous is not null)
                Add(vector, previous + " " + word, 0.5f);
            previous = word;
        }

        double norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (norm > 0)
        {
            for (int i = 0; i < vector.Length; i++)
                vector[i] = (float)(vector[i] / norm);
        }
        return vector;
    }

    private void Add(float[] vector, string feature, float weight)
    {
        uint hash = Fnv1a(feature);
        int bucket = (int)(hash % (uint)Dimensions);
        vector[bucket] += (hash & 0x8000_0000) == 0 ? weight : -weight;
    }

    private static IEnumerable<string> Tokenize(string text)
    {
        var word = new StringBuilder();
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
        if (word.Length > 0)
            yield return word.ToString();
    }

    private static uint Fnv1a(string value)
    {
        uint hash = 2166136261;
        foreach (char c in value)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return hash;
    }
}
