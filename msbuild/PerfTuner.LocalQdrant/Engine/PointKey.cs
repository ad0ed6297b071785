using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Engine;

/// <summary>
/// A point id normalised for lookup: an unsigned 64-bit number or a UUID (any textual form Guid accepts).
/// Orders like Qdrant: numeric ids first, then UUIDs.
/// </summary>
internal readonly record struct PointKey(bool IsUuid, ulong Number, Guid Uuid) : IComparable<PointKey>
{
    public static PointKey FromNumber(ulong number) => new(false, number, Guid.Empty);

    public static PointKey FromUuid(Guid uuid) => new(true, 0, uuid);

    /// <summary>Converts a wire id; throws <see cref="RequestException"/> when it is empty or not a UUID.</summary>
    public static PointKey From(PointId? id)
    {
        if (id is null)
        {
            throw RequestException.InvalidArgument("Wrong input: point id is missing");
        }

        return id.PointIdOptionsCase switch
        {
            PointId.PointIdOptionsOneofCase.Num => FromNumber(id.Num),
            PointId.PointIdOptionsOneofCase.Uuid => Guid.TryParse(id.Uuid, out var uuid)
                ? FromUuid(uuid)
                : throw RequestException.InvalidArgument($"Unable to parse UUID: {id.Uuid}"),
            _ => throw RequestException.InvalidArgument("Wrong input: point id has neither num nor uuid"),
        };
    }

    public PointId ToPointId() => IsUuid ? new PointId { Uuid = Uuid.ToString("D") } : new PointId { Num = Number };

    public int CompareTo(PointKey other)
    {
        if (IsUuid != other.IsUuid)
        {
            return IsUuid ? 1 : -1;
        }

        return IsUuid ? Uuid.CompareTo(other.Uuid) : Number.CompareTo(other.Number);
    }

    public override string ToString() => IsUuid ? Uuid.ToString("D") : Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
