using Google.Protobuf.Collections;
using PerfTuner.LocalQdrant.Engine;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Protocol;

/// <summary>Applies WithPayloadSelector and WithVectorsSelector, and writes vectors back in Qdrant's output shape.</summary>
internal static class Selectors
{
    /// <summary>Which vectors to return: null means none.</summary>
    public static Func<string, bool>? Vectors(WithVectorsSelector? selector) => selector?.SelectorOptionsCase switch
    {
        WithVectorsSelector.SelectorOptionsOneofCase.Enable when selector.Enable => static _ => true,
        WithVectorsSelector.SelectorOptionsOneofCase.Include => selector.Include.Names.ToHashSet(StringComparer.Ordinal).Contains,
        _ => null,
    };

    /// <summary>Copies the selected payload: everything, nothing, only the included keys, or all but the excluded ones.</summary>
    public static void CopyPayload(IReadOnlyDictionary<string, Value> payload, WithPayloadSelector? selector, bool enabledByDefault, MapField<string, Value> target)
    {
        switch (selector?.SelectorOptionsCase)
        {
            case null:
            case WithPayloadSelector.SelectorOptionsOneofCase.None:
                if (enabledByDefault)
                {
                    CopyAll(payload, target);
                }

                break;
            case WithPayloadSelector.SelectorOptionsOneofCase.Enable:
                if (selector.Enable)
                {
                    CopyAll(payload, target);
                }

                break;
            case WithPayloadSelector.SelectorOptionsOneofCase.Include:
                foreach (var key in selector.Include.Fields)
                {
                    if (payload.TryGetValue(key, out var value))
                    {
                        target[key] = value;
                    }
                }

                break;
            case WithPayloadSelector.SelectorOptionsOneofCase.Exclude:
                var excluded = selector.Exclude.Fields.ToHashSet(StringComparer.Ordinal);
                foreach (var (key, value) in payload)
                {
                    if (!excluded.Contains(key))
                    {
                        target[key] = value;
                    }
                }

                break;
        }
    }

    /// <summary>The unnamed vector comes back as a single vector, named vectors as a map; both dense and the deprecated data field are filled.</summary>
    public static VectorsOutput? ToOutput(IReadOnlyDictionary<string, float[]>? vectors, bool namedVectors)
    {
        if (vectors is null)
        {
            return null;
        }

        if (!namedVectors)
        {
            return vectors.TryGetValue(string.Empty, out var single) ? new VectorsOutput { Vector = ToOutput(single) } : null;
        }

        var named = new NamedVectorsOutput();
        foreach (var (name, vector) in vectors)
        {
            named.Vectors[name] = ToOutput(vector);
        }

        return new VectorsOutput { Vectors = named };
    }

    private static VectorOutput ToOutput(float[] vector)
    {
        var output = new VectorOutput { Dense = new DenseVector() };
        output.Dense.Data.Add(vector);
#pragma warning disable CS0612, CS0618 // Older clients still read the deprecated field.
        output.Data.Add(vector);
#pragma warning restore CS0612, CS0618
        return output;
    }

    private static void CopyAll(IReadOnlyDictionary<string, Value> payload, MapField<string, Value> target)
    {
        foreach (var (key, value) in payload)
        {
            target[key] = value;
        }
    }
}
