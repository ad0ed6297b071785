using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Engine;

/// <summary>Resolves a dotted payload key (<c>city</c>, <c>address.city</c>, <c>tags[].name</c>) to its values, arrays flattened.</summary>
internal static class PayloadPath
{
    public static IReadOnlyList<Value> Resolve(IReadOnlyDictionary<string, Value> payload, string key)
    {
        if (payload.TryGetValue(key, out var direct))
        {
            return Flatten(direct);
        }

        var segments = key.Split('.');
        var current = new List<Value>();
        if (!payload.TryGetValue(Strip(segments[0]), out var first))
        {
            return Array.Empty<Value>();
        }

        current.AddRange(Flatten(first));
        for (var i = 1; i < segments.Length; i++)
        {
            var name = Strip(segments[i]);
            var next = new List<Value>();
            foreach (var value in current)
            {
                if (value.KindCase == Value.KindOneofCase.StructValue && value.StructValue.Fields.TryGetValue(name, out var child))
                {
                    next.AddRange(Flatten(child));
                }
            }

            current = next;
        }

        return current;
    }

    private static string Strip(string segment) => segment.EndsWith("[]", StringComparison.Ordinal) ? segment[..^2] : segment;

    private static IReadOnlyList<Value> Flatten(Value value) =>
        value.KindCase == Value.KindOneofCase.ListValue ? value.ListValue.Values : new[] { value };
}
