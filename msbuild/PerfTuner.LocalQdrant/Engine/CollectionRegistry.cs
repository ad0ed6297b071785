using System.Collections.Concurrent;

namespace PerfTuner.LocalQdrant.Engine;

/// <summary>All collections of one server, by name.</summary>
internal sealed class CollectionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, VectorCollection> _collections = new(StringComparer.Ordinal);
    private long _operationId;

    /// <summary>Qdrant numbers every update operation; clients may log it.</summary>
    public ulong NextOperationId() => (ulong)Interlocked.Increment(ref _operationId);

    public bool TryAdd(VectorCollection collection) => _collections.TryAdd(collection.Name, collection);

    public bool Exists(string name) => _collections.ContainsKey(name);

    public VectorCollection Get(string name) =>
        _collections.TryGetValue(name, out var collection) ? collection : throw RequestException.CollectionNotFound(name);

    /// <summary>Removes the collection; its lock is left to the collector so in-flight requests finish safely.</summary>
    public bool Remove(string name) => _collections.TryRemove(name, out _);

    public IReadOnlyList<string> Names() => _collections.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        foreach (var collection in _collections.Values)
        {
            collection.Dispose();
        }

        _collections.Clear();
    }
}
