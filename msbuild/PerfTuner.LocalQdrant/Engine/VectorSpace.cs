using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Engine;

/// <summary>
/// One vector space of a collection (the unnamed default or a named vector): its distance and its float storage.
/// Vectors live contiguously in fixed-size chunks indexed by slot, so growing never copies old data and memory stays
/// close to points × dimensions × 4 bytes.
/// </summary>
internal sealed class VectorSpace
{
    public const int ChunkPoints = 1024;

    /// <summary>Chunk data starts on a cache-line boundary (64 bytes = one AVX-512 register).</summary>
    private const int AlignmentBytes = 64;

    private readonly List<Memory<float>> _chunks = new();
    private readonly List<bool[]> _present = new();

    public VectorSpace(string name, int dimensions, Distance distance)
    {
        Name = name;
        Dimensions = dimensions;
        Distance = distance;
    }

    public string Name { get; }

    public int Dimensions { get; }

    public Distance Distance { get; }

    /// <summary>Cosine and Dot rank larger scores first; Euclid and Manhattan rank smaller distances first.</summary>
    public bool HigherIsBetter => Distance is Distance.Cosine or Distance.Dot;

    /// <summary>Cosine vectors are stored and queried unit-length so the score is a plain dot product, as in Qdrant.</summary>
    public void Prepare(Span<float> vector)
    {
        if (Distance == Distance.Cosine)
        {
            var norm = TensorPrimitives.Norm(vector);
            if (norm > float.Epsilon)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }
        }
    }

    /// <summary>The raw floats of one chunk (ChunkPoints × Dimensions) and its presence flags, for scans.</summary>
    public (ReadOnlyMemory<float> Vectors, bool[] Present) Chunk(int chunk) => (_chunks[chunk], _present[chunk]);

    public bool IsPresent(int slot) => _present[slot / ChunkPoints][slot % ChunkPoints];

    public ReadOnlySpan<float> Get(int slot) =>
        _chunks[slot / ChunkPoints].Span.Slice(slot % ChunkPoints * Dimensions, Dimensions);

    public void Set(int slot, float[]? vector)
    {
        EnsureCapacity(slot + 1);
        var chunk = slot / ChunkPoints;
        var offset = slot % ChunkPoints;
        var target = _chunks[chunk].Span.Slice(offset * Dimensions, Dimensions);
        if (vector is null)
        {
            target.Clear();
            _present[chunk][offset] = false;
        }
        else
        {
            vector.CopyTo(target);
            _present[chunk][offset] = true;
        }
    }

    /// <summary>Moves slot <paramref name="from"/> into <paramref name="to"/> (used when a delete fills its hole).</summary>
    public void Move(int from, int to)
    {
        var present = IsPresent(from);
        Get(from).CopyTo(_chunks[to / ChunkPoints].Span.Slice(to % ChunkPoints * Dimensions, Dimensions));
        _present[to / ChunkPoints][to % ChunkPoints] = present;
    }

    /// <summary>Releases chunks no slot below <paramref name="count"/> uses, so deletes give memory back.</summary>
    public void Trim(int count)
    {
        var needed = (count + ChunkPoints - 1) / ChunkPoints;
        while (_chunks.Count > needed)
        {
            _chunks.RemoveAt(_chunks.Count - 1);
            _present.RemoveAt(_present.Count - 1);
        }
    }

    /// <summary>
    /// The score Qdrant reports for <paramref name="stored"/> against <paramref name="query"/>:
    /// dot product for Cosine (both unit length) and Dot, L2 distance for Euclid, L1 distance for Manhattan.
    /// </summary>
    public float Score(ReadOnlySpan<float> stored, ReadOnlySpan<float> query, Span<float> scratch) => Distance switch
    {
        Distance.Cosine or Distance.Dot => TensorPrimitives.Dot(stored, query),
        Distance.Euclid => TensorPrimitives.Distance(stored, query),
        _ => Manhattan(stored, query, scratch),
    };

    private static float Manhattan(ReadOnlySpan<float> stored, ReadOnlySpan<float> query, Span<float> scratch)
    {
        TensorPrimitives.Subtract(stored, query, scratch);
        return TensorPrimitives.SumOfMagnitudes(scratch);
    }

    private void EnsureCapacity(int slots)
    {
        while (_chunks.Count * ChunkPoints < slots)
        {
            _chunks.Add(AllocateAligned(ChunkPoints * Dimensions));
            _present.Add(new bool[ChunkPoints]);
        }
    }

    /// <summary>
    /// A zeroed block of <paramref name="length"/> floats that starts on a 64-byte boundary and never moves.
    /// An ordinary array lands wherever the allocator puts it, so how many of the scan's SIMD loads straddle a cache
    /// line could differ from one process to the next; pinned and aligned, every process scans the same layout.
    /// </summary>
    private static Memory<float> AllocateAligned(int length)
    {
        const int slack = AlignmentBytes / sizeof(float);
        var block = GC.AllocateArray<float>(length + slack, pinned: true);
        var handle = GCHandle.Alloc(block, GCHandleType.Pinned);
        nint address;
        try
        {
            address = handle.AddrOfPinnedObject();
        }
        finally
        {
            handle.Free(); // the array lives on the pinned object heap: its address stays valid without the handle
        }

        var misalignment = (int)(address % AlignmentBytes) / sizeof(float);
        return block.AsMemory(misalignment == 0 ? 0 : slack - misalignment, length);
    }
}
