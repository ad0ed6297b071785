using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Engine;

/// <summary>A point ready to store: validated vectors (Cosine already normalised) and its payload.</summary>
internal sealed record PreparedPoint(PointKey Id, IReadOnlyDictionary<string, float[]> Vectors, IReadOnlyDictionary<string, Value> Payload);

/// <summary>A point as a read returns it; vectors are copies taken under the lock, payloads are never mutated in place.</summary>
internal sealed record PointView(PointKey Id, float Score, IReadOnlyDictionary<string, Value> Payload, IReadOnlyDictionary<string, float[]>? Vectors);

/// <summary>What a nearest-neighbour search asks for; <see cref="Threshold"/> is in the distance's own units.</summary>
internal sealed record SearchQuery(VectorSpace Space, float[] Vector, Filter? Filter, int Limit, int Offset, float? Threshold, Func<string, bool>? IncludeVector);

/// <summary>
/// An in-memory collection: slots hold ids, payloads and (per vector space) contiguous vectors. Exact search scans
/// every slot with SIMD scoring and keeps a bounded heap; large collections are split across cores.
/// Readers share a lock and writers take it exclusively, so concurrent upserts and searches are safe.
/// </summary>
internal sealed class VectorCollection : IDisposable
{
    /// <summary>Below this many floats a single core finishes before the work of splitting pays off.</summary>
    private const long ParallelThresholdFloats = 4L * 1024 * 1024;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly List<PointKey> _ids = new();
    private readonly List<IReadOnlyDictionary<string, Value>> _payloads = new();
    private readonly Dictionary<PointKey, int> _slots = new();

    public VectorCollection(string name, CreateCollection definition, IReadOnlyDictionary<string, VectorSpace> spaces, bool namedVectors)
    {
        Name = name;
        Definition = definition;
        Spaces = spaces;
        NamedVectors = namedVectors;
    }

    public string Name { get; }

    /// <summary>The request the collection was created with; collection info reports its configuration back.</summary>
    public CreateCollection Definition { get; }

    /// <summary>Vector spaces by name; the unnamed default vector has the name "".</summary>
    public IReadOnlyDictionary<string, VectorSpace> Spaces { get; }

    public bool NamedVectors { get; }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _ids.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Inserts or replaces whole points (vectors and payload), in request order.</summary>
    public void Upsert(IReadOnlyList<PreparedPoint> points)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var point in points)
            {
                if (!_slots.TryGetValue(point.Id, out var slot))
                {
                    slot = _ids.Count;
                    _ids.Add(point.Id);
                    _payloads.Add(point.Payload);
                    _slots.Add(point.Id, slot);
                }
                else
                {
                    _payloads[slot] = point.Payload;
                }

                foreach (var space in Spaces.Values)
                {
                    space.Set(slot, point.Vectors.TryGetValue(space.Name, out var vector) ? vector : null);
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Deletes the given ids (missing ones are ignored); returns how many were removed.</summary>
    public int Delete(IEnumerable<PointKey> ids)
    {
        _lock.EnterWriteLock();
        try
        {
            var removed = 0;
            foreach (var id in ids)
            {
                if (RemoveLocked(id))
                {
                    removed++;
                }
            }

            TrimLocked();
            return removed;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public int DeleteWhere(Filter filter)
    {
        _lock.EnterWriteLock();
        try
        {
            var doomed = new List<PointKey>();
            var probe = new SlotProbe(this);
            for (var slot = 0; slot < _ids.Count; slot++)
            {
                if (probe.Matches(filter, slot))
                {
                    doomed.Add(_ids[slot]);
                }
            }

            foreach (var id in doomed)
            {
                RemoveLocked(id);
            }

            TrimLocked();
            return doomed.Count;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public int CountWhere(Filter? filter)
    {
        _lock.EnterReadLock();
        try
        {
            if (filter is null)
            {
                return _ids.Count;
            }

            var count = 0;
            var probe = new SlotProbe(this);
            for (var slot = 0; slot < _ids.Count; slot++)
            {
                if (probe.Matches(filter, slot))
                {
                    count++;
                }
            }

            return count;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Exact nearest neighbours: filter first, then score, then offset and limit over the ranked list.</summary>
    public List<PointView> Search(SearchQuery query)
    {
        var space = query.Space;
        var wanted = query.Offset + query.Limit;
        // Internally every score is "higher is better": distances are negated so one heap serves all metrics.
        float? floor = query.Threshold is { } t ? (space.HigherIsBetter ? t : -t) : null;

        _lock.EnterReadLock();
        try
        {
            var count = _ids.Count;
            var chunks = (count + VectorSpace.ChunkPoints - 1) / VectorSpace.ChunkPoints;
            List<(int Slot, float Goodness)> ranked;
            var partitions = Math.Min(Environment.ProcessorCount, chunks);
            if (partitions > 1 && (long)count * space.Dimensions >= ParallelThresholdFloats)
            {
                var partial = new List<(int, float)>[partitions];
                Parallel.For(0, partitions, p =>
                {
                    var from = (int)((long)chunks * p / partitions) * VectorSpace.ChunkPoints;
                    var to = Math.Min(count, (int)((long)chunks * (p + 1) / partitions) * VectorSpace.ChunkPoints);
                    partial[p] = TopLocked(query, wanted, floor, from, to);
                });
                ranked = partial.SelectMany(x => x).ToList();
            }
            else
            {
                ranked = TopLocked(query, wanted, floor, 0, count);
            }

            ranked.Sort((a, b) => b.Goodness.CompareTo(a.Goodness));
            var results = new List<PointView>(Math.Max(0, Math.Min(query.Limit, ranked.Count - query.Offset)));
            for (var i = query.Offset; i < ranked.Count && i < wanted; i++)
            {
                var (slot, goodness) = ranked[i];
                results.Add(ViewLocked(slot, space.HigherIsBetter ? goodness : -goodness, query.IncludeVector));
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Points in id order starting at <paramref name="from"/> (inclusive); <paramref name="next"/> is the id after the page.</summary>
    public List<PointView> Scroll(Filter? filter, PointKey? from, int limit, Func<string, bool>? includeVector, out PointKey? next)
    {
        _lock.EnterReadLock();
        try
        {
            var matching = new List<int>();
            var probe = new SlotProbe(this);
            for (var slot = 0; slot < _ids.Count; slot++)
            {
                if ((from is null || _ids[slot].CompareTo(from.Value) >= 0) && (filter is null || probe.Matches(filter, slot)))
                {
                    matching.Add(slot);
                }
            }

            matching.Sort((a, b) => _ids[a].CompareTo(_ids[b]));
            next = matching.Count > limit ? _ids[matching[limit]] : null;
            return matching.Take(limit).Select(slot => ViewLocked(slot, 0, includeVector)).ToList();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The requested points that exist, in request order, each once.</summary>
    public List<PointView> Retrieve(IEnumerable<PointKey> ids, Func<string, bool>? includeVector)
    {
        _lock.EnterReadLock();
        try
        {
            var seen = new HashSet<PointKey>();
            var results = new List<PointView>();
            foreach (var id in ids)
            {
                if (seen.Add(id) && _slots.TryGetValue(id, out var slot))
                {
                    results.Add(ViewLocked(slot, 0, includeVector));
                }
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Scans slots [from, to) chunk by chunk, keeping the best <paramref name="wanted"/> in a min-heap.</summary>
    private List<(int Slot, float Goodness)> TopLocked(SearchQuery query, int wanted, float? floor, int from, int to)
    {
        var space = query.Space;
        var dimensions = space.Dimensions;
        var heap = new PriorityQueue<int, float>(Math.Min(wanted, Math.Max(1, to - from)) + 1);
        var scratch = space.Distance == Distance.Manhattan ? new float[dimensions] : Array.Empty<float>();
        var higherIsBetter = space.HigherIsBetter;
        var probe = query.Filter is null ? null : new SlotProbe(this);
        for (var chunkStart = from; chunkStart < to; chunkStart += VectorSpace.ChunkPoints)
        {
            var (chunk, present) = space.Chunk(chunkStart / VectorSpace.ChunkPoints);
            var vectors = chunk.Span;
            var end = Math.Min(VectorSpace.ChunkPoints, to - chunkStart);
            for (var offset = 0; offset < end; offset++)
            {
                if (!present[offset])
                {
                    continue;
                }

                var slot = chunkStart + offset;
                if (probe is not null && !probe.Matches(query.Filter!, slot))
                {
                    continue;
                }

                var score = space.Score(vectors.Slice(offset * dimensions, dimensions), query.Vector, scratch);
                var goodness = higherIsBetter ? score : -score;
                if (floor is { } f && !(goodness > f))
                {
                    continue;
                }

                if (heap.Count < wanted)
                {
                    heap.Enqueue(slot, goodness);
                }
                else if (heap.TryPeek(out _, out var worst) && goodness > worst)
                {
                    heap.DequeueEnqueue(slot, goodness);
                }
            }
        }

        var top = new List<(int, float)>(heap.Count);
        while (heap.TryDequeue(out var slot, out var goodness))
        {
            top.Add((slot, goodness));
        }

        return top;
    }

    private PointView ViewLocked(int slot, float score, Func<string, bool>? includeVector)
    {
        Dictionary<string, float[]>? vectors = null;
        if (includeVector is not null)
        {
            vectors = new Dictionary<string, float[]>();
            foreach (var space in Spaces.Values)
            {
                if (includeVector(space.Name) && space.IsPresent(slot))
                {
                    vectors[space.Name] = space.Get(slot).ToArray();
                }
            }
        }

        return new PointView(_ids[slot], score, _payloads[slot], vectors);
    }

    /// <summary>Removes one point by moving the last slot into its place, so storage stays dense.</summary>
    private bool RemoveLocked(PointKey id)
    {
        if (!_slots.Remove(id, out var slot))
        {
            return false;
        }

        var last = _ids.Count - 1;
        if (slot != last)
        {
            var moved = _ids[last];
            _ids[slot] = moved;
            _payloads[slot] = _payloads[last];
            _slots[moved] = slot;
            foreach (var space in Spaces.Values)
            {
                space.Move(last, slot);
            }
        }

        _ids.RemoveAt(last);
        _payloads.RemoveAt(last);
        return true;
    }

    private void TrimLocked()
    {
        foreach (var space in Spaces.Values)
        {
            space.Trim(_ids.Count);
        }
    }

    /// <summary>Evaluates filters slot after slot with one has_vector callback, instead of a new closure per point.</summary>
    private sealed class SlotProbe
    {
        private readonly VectorCollection _owner;
        private readonly Func<string, bool> _hasVector;
        private int _slot;

        public SlotProbe(VectorCollection owner)
        {
            _owner = owner;
            _hasVector = name => _owner.Spaces.TryGetValue(name, out var space) && space.IsPresent(_slot);
        }

        public bool Matches(Filter filter, int slot)
        {
            _slot = slot;
            return FilterEvaluator.Matches(filter, _owner._ids[slot], _owner._payloads[slot], _hasVector);
        }
    }
}
