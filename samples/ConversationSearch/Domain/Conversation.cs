namespace ConversationSearch.Domain;

/// <summary>One support conversation as stored in the JSONL export.</summary>
public sealed record Conversation(string Id, string Customer, string Topic, DateTimeOffset Created, IReadOnlyList<Message> Messages)
{
    /// <summary>The text that is embedded: every message, in order.</summary>
    public string Text => string.Join("\n", Messages.Select(m => m.Text));
}

public sealed record Message(string Role, string Text);

/// <summary>A search hit: the conversation id, its score and the payload fields a UI shows.</summary>
public sealed record ConversationHit(string ConversationId, float Score, string Customer, string Topic, string Preview);
