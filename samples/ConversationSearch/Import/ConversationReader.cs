using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using ConversationSearch.Domain;

namespace ConversationSearch.Import;

/// <summary>A malformed line in a conversations file, with its location.</summary>
public sealed class ConversationFormatException(string path, int line, string message)
    : Exception($"{path}({line}): {message}")
{
    public string Path { get; } = path;

    public int Line { get; } = line;
}

/// <summary>Streams conversations from a JSONL file (one JSON object per line; blank lines are skipped).</summary>
public static class ConversationReader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public static async IAsyncEnumerable<Conversation> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(path);
        int lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            yield return Parse(path, lineNumber, line);
        }
    }

    public static Conversation Parse(string path, int lineNumber, string line)
    {
        ConversationDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<ConversationDto>(line, Options);
        }
        catch (JsonException e)
        {
            throw new ConversationFormatException(path, lineNumber, $"not a JSON conversation: {e.Message}");
        }

        if (dto is null || string.IsNullOrWhiteSpace(dto.Id))
            throw new ConversationFormatException(path, lineNumber, "a conversation needs an 'id'");
        if (dto.Messages is not { Count: > 0 })
            throw new ConversationFormatException(path, lineNumber, $"conversation '{dto.Id}' has no messages");

        var messages = dto.Messages.Select(m => new Message(m.Role ?? "unknown", m.Text ?? "")).ToArray();
        return new Conversation(dto.Id, dto.Customer ?? "", dto.Topic ?? "", dto.Created ?? DateTimeOffset.MinValue, messages);
    }

    private sealed record ConversationDto(string? Id, string? Customer, string? Topic, DateTimeOffset? Created, List<MessageDto>? Messages);

    private sealed record MessageDto(string? Role, string? Text);
}
