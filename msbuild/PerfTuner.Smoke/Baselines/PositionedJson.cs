using System.Buffers;
using System.Text;
using System.Text.Json;

namespace PerfTuner.Smoke.Baselines;

/// <summary>An error in a JSON file with a 1-based line and column (in characters, as editors count them).</summary>
public sealed class JsonLocationException(string message, int line, int column) : Exception(message)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
}

public enum JsonKind { Object, Array, String, Number, True, False, Null }

/// <summary>
/// A parsed JSON value that remembers where it started, so semantic errors (a NaN, a negative latency, a string where
/// a number belongs) can point at the exact line and column — JsonDocument forgets positions.
/// </summary>
public sealed class JsonNode
{
    public required JsonKind Kind { get; init; }
    public required int Line { get; init; }
    public required int Column { get; init; }
    public string? String { get; init; }
    /// <summary>The number as written (for range checks), and its value if it fits a double.</summary>
    public string? RawNumber { get; init; }
    public double? Number { get; init; }
    public List<KeyValuePair<string, JsonNode>> Properties { get; } = new();
    public List<JsonNode> Items { get; } = new();

    public string Describe() => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => $"the string \"{Truncate(String!)}\"",
        JsonKind.Number => $"the number {Truncate(RawNumber!)}",
        JsonKind.True => "true",
        JsonKind.False => "false",
        _ => "null",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}

public static class PositionedJson
{
    public static JsonNode Parse(byte[] utf8)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        byte[] bytes = utf8.AsSpan().StartsWith(bom) ? utf8[3..] : utf8;
        var lines = new LineMap(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = false,
            MaxDepth = 64,
        });
        try
        {
            if (!reader.Read())
                throw new JsonLocationException("the file is empty", 1, 1);
            JsonNode root = ReadValue(ref reader, lines);
            if (reader.Read())
                throw lines.At("unexpected content after the end of the JSON document", reader.TokenStartIndex);
            return root;
        }
        catch (JsonException e)
        {
            // The reader reports 0-based line and 0-based *byte* position; editors count characters from 1.
            int line = (int)(e.LineNumber ?? 0);
            long bytePos = e.BytePositionInLine ?? 0;
            string message = e.Message;
            int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) message = message[..cut].TrimEnd();
            throw new JsonLocationException($"malformed JSON: {message}", line + 1, lines.ColumnOf(line, bytePos));
        }
    }

    private static JsonNode ReadValue(ref Utf8JsonReader reader, LineMap lines)
    {
        (int line, int column) = lines.Position(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var node = new JsonNode { Kind = JsonKind.Object, Line = line, Column = column };
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string key = reader.GetString()!;
                    long keyStart = reader.TokenStartIndex;
                    if (node.Properties.Any(p => p.Key == key))
                        throw lines.At($"duplicate property \"{key}\"", keyStart);
                    reader.Read();
                    node.Properties.Add(new(key, ReadValue(ref reader, lines)));
                }
                return node;
            }
            case JsonTokenType.StartArray:
            {
                var node = new JsonNode { Kind = JsonKind.Array, Line = line, Column = column };
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    node.Items.Add(ReadValue(ref reader, lines));
                return node;
            }
            case JsonTokenType.String:
                return new JsonNode { Kind = JsonKind.String, Line = line, Column = column, String = reader.GetString() };
            case JsonTokenType.Number:
            {
                ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
                double? value = reader.TryGetDouble(out double d) && double.IsFinite(d) ? d : null;
                return new JsonNode { Kind = JsonKind.Number, Line = line, Column = column, RawNumber = Encoding.UTF8.GetString(raw), Number = value };
            }
            case JsonTokenType.True:
                return new JsonNode { Kind = JsonKind.True, Line = line, Column = column };
            case JsonTokenType.False:
                return new JsonNode { Kind = JsonKind.False, Line = line, Column = column };
            case JsonTokenType.Null:
                return new JsonNode { Kind = JsonKind.Null, Line = line, Column = column };
            default:
                throw lines.At($"unexpected token {reader.TokenType}", reader.TokenStartIndex);
        }
    }

    /// <summary>Byte offsets to 1-based line and character column.</summary>
    private sealed class LineMap
    {
        private readonly byte[] _bytes;
        private readonly List<int> _lineStarts = new() { 0 };

        public LineMap(byte[] bytes)
        {
            _bytes = bytes;
            for (int i = 0; i < bytes.Length; i++)
                if (bytes[i] == (byte)'\n') _lineStarts.Add(i + 1);
        }

        public (int Line, int Column) Position(long offset)
        {
            int index = _lineStarts.BinarySearch((int)offset);
            int line = index >= 0 ? index : ~index - 1;
            return (line + 1, ColumnOf(line, offset - _lineStarts[line]));
        }

        /// <summary>1-based character column of a byte position within a 0-based line.</summary>
        public int ColumnOf(int line, long bytePositionInLine)
        {
            if (line < 0 || line >= _lineStarts.Count) return (int)bytePositionInLine + 1;
            int start = _lineStarts[line];
            int end = (int)Math.Min(_bytes.Length, start + bytePositionInLine);
            int characters = 0;
            for (int i = start; i < end; i++)
                if ((_bytes[i] & 0xC0) != 0x80) characters++; // count lead bytes, not continuation bytes
            return characters + 1;
        }

        public JsonLocationException At(string message, long offset)
        {
            (int line, int column) = Position(offset);
            return new JsonLocationException(message, line, column);
        }
    }
}
