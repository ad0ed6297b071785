using ConversationSearch.Domain;
using ConversationSearch.Search;

namespace ConversationSearch.AntiPatterns;

/// <summary>
/// PT0005: the permit is released only when the search succeeds. Every timeout or cancellation leaks one permit;
/// after four of them every caller waits forever. Release in a finally block.
/// </summary>
public sealed class LeakyThrottle(ConversationSearchService search)
{
    private readonly SemaphoreSlim _gate = new(4);

    public async Task<IReadOnlyList<ConversationHit>> SearchAsync(string query, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken); // PT0005
        var hits = await search.SearchAsync(query, 10, cancellationToken);
        _gate.Release();
        return hits;
    }
}
