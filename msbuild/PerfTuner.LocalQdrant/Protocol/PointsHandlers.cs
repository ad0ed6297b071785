using PerfTuner.LocalQdrant.Engine;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Protocol;

/// <summary>qdrant.Points: Upsert, Delete, Get, Scroll, Count, Search, Query.</summary>
internal sealed class PointsHandlers
{
    private const int DefaultPageSize = 10;

    /// <summary>Shared by every point without payload, so they cost no dictionary each (payloads are never mutated).</summary>
    private static readonly IReadOnlyDictionary<string, Value> NoPayload = new Dictionary<string, Value>();

    private readonly CollectionRegistry _registry;

    public PointsHandlers(CollectionRegistry registry) => _registry = registry;

    /// <summary>Validates the whole batch first, so a bad point leaves the collection untouched.</summary>
    public PointsOperationResponse Upsert(UpsertPoints request)
    {
        var collection = _registry.Get(request.CollectionName);
        if (request.UpdateFilter is not null)
        {
            throw RequestException.Unsupported("Conditional upsert (update_filter)");
        }

        var prepared = new List<PreparedPoint>(request.Points.Count);
        foreach (var point in request.Points)
        {
            var id = PointKey.From(point.Id);
            var payload = point.Payload.Count == 0 ? NoPayload : new Dictionary<string, Value>(point.Payload);
            prepared.Add(new PreparedPoint(id, ReadVectors(collection, point.Vectors, id), payload));
        }

        collection.Upsert(prepared);
        return Updated(request.HasWait && request.Wait);
    }

    public PointsOperationResponse Delete(DeletePoints request)
    {
        var collection = _registry.Get(request.CollectionName);
        switch (request.Points?.PointsSelectorOneOfCase)
        {
            case PointsSelector.PointsSelectorOneOfOneofCase.Points:
                collection.Delete(request.Points.Points.Ids.Select(PointKey.From).ToList());
                break;
            case PointsSelector.PointsSelectorOneOfOneofCase.Filter:
                FilterEvaluator.Validate(request.Points.Filter);
                collection.DeleteWhere(request.Points.Filter);
                break;
            default:
                throw RequestException.InvalidArgument("Wrong input: points selector is empty: give ids or a filter");
        }

        return Updated(request.HasWait && request.Wait);
    }

    public GetResponse Get(GetPoints request)
    {
        var collection = _registry.Get(request.CollectionName);
        var ids = request.Ids.Select(PointKey.From).ToList();
        var response = new GetResponse();
        foreach (var view in collection.Retrieve(ids, Selectors.Vectors(request.WithVectors)))
        {
            response.Result.Add(Retrieved(collection, view, request.WithPayload));
        }

        return response;
    }

    public ScrollResponse Scroll(ScrollPoints request)
    {
        var collection = _registry.Get(request.CollectionName);
        if (request.OrderBy is not null)
        {
            throw RequestException.Unsupported("Scroll with order_by");
        }

        FilterEvaluator.Validate(request.Filter);
        var limit = request.HasLimit ? CheckLimit(request.Limit) : DefaultPageSize;
        PointKey? from = request.Offset is null ? null : PointKey.From(request.Offset);
        var page = collection.Scroll(request.Filter, from, limit, Selectors.Vectors(request.WithVectors), out var next);

        var response = new ScrollResponse();
        foreach (var view in page)
        {
            response.Result.Add(Retrieved(collection, view, request.WithPayload));
        }

        if (next is { } nextId)
        {
            response.NextPageOffset = nextId.ToPointId();
        }

        return response;
    }

    public CountResponse Count(CountPoints request)
    {
        var collection = _registry.Get(request.CollectionName);
        FilterEvaluator.Validate(request.Filter);
        return new CountResponse { Result = new CountResult { Count = (ulong)collection.CountWhere(request.Filter) } };
    }

    public SearchResponse Search(SearchPoints request)
    {
        var collection = _registry.Get(request.CollectionName);
#pragma warning disable CS0612, CS0618 // Qdrant.Client still sends sparse indices in this deprecated field.
        if (request.SparseIndices is { Data.Count: > 0 })
#pragma warning restore CS0612, CS0618
        {
            throw RequestException.Unsupported("Sparse vector search");
        }

        var space = SpaceFor(collection, request.HasVectorName ? request.VectorName : string.Empty);
        FilterEvaluator.Validate(request.Filter);
        var query = new SearchQuery(
            space,
            QueryVector(space, request.Vector),
            request.Filter,
            CheckLimit(request.Limit),
            CheckOffset(request.HasOffset ? request.Offset : 0),
            request.HasScoreThreshold ? request.ScoreThreshold : null,
            Selectors.Vectors(request.WithVectors));

        var response = new SearchResponse();
        foreach (var view in collection.Search(query))
        {
            response.Result.Add(Scored(collection, view, request.WithPayload));
        }

        return response;
    }

    public QueryResponse Query(QueryPoints request)
    {
        var collection = _registry.Get(request.CollectionName);
        if (request.Prefetch.Count > 0)
        {
            throw RequestException.Unsupported("Query with prefetch");
        }

        if (request.LookupFrom is not null)
        {
            throw RequestException.Unsupported("Query with lookup_from");
        }

        FilterEvaluator.Validate(request.Filter);
        var limit = request.HasLimit ? CheckLimit(request.Limit) : DefaultPageSize;
        var offset = CheckOffset(request.HasOffset ? request.Offset : 0);
        var includeVector = Selectors.Vectors(request.WithVectors);
        var response = new QueryResponse();

        if (request.Query is null)
        {
            // No query: Qdrant returns points in id order, like a scroll.
            var page = collection.Scroll(request.Filter, null, offset + limit, includeVector, out _);
            foreach (var view in page.Skip(offset))
            {
                response.Result.Add(Scored(collection, view, request.WithPayload));
            }

            return response;
        }

        if (request.Query.VariantCase != Qdrant.Client.Grpc.Query.VariantOneofCase.Nearest)
        {
            throw RequestException.Unsupported($"Query variant `{request.Query.VariantCase}` (only nearest is implemented)");
        }

        var space = SpaceFor(collection, request.HasUsing ? request.Using : string.Empty);
        var input = request.Query.Nearest;
        if (input.VariantCase != VectorInput.VariantOneofCase.Dense)
        {
            throw RequestException.Unsupported($"Nearest query by `{input.VariantCase}` (only a dense vector is implemented)");
        }

        var query = new SearchQuery(
            space,
            QueryVector(space, input.Dense.Data),
            request.Filter,
            limit,
            offset,
            request.HasScoreThreshold ? request.ScoreThreshold : null,
            includeVector);

        foreach (var view in collection.Search(query))
        {
            response.Result.Add(Scored(collection, view, request.WithPayload));
        }

        return response;
    }

    private PointsOperationResponse Updated(bool wait) => new()
    {
        Result = new UpdateResult
        {
            OperationId = _registry.NextOperationId(),
            Status = wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged,
        },
    };

    private static ScoredPoint Scored(VectorCollection collection, PointView view, WithPayloadSelector? payload)
    {
        var point = new ScoredPoint { Id = view.Id.ToPointId(), Score = view.Score, Version = 0 };
        Selectors.CopyPayload(view.Payload, payload, enabledByDefault: false, point.Payload);
        if (Selectors.ToOutput(view.Vectors, collection.NamedVectors) is { } vectors)
        {
            point.Vectors = vectors;
        }

        return point;
    }

    private static RetrievedPoint Retrieved(VectorCollection collection, PointView view, WithPayloadSelector? payload)
    {
        var point = new RetrievedPoint { Id = view.Id.ToPointId() };
        Selectors.CopyPayload(view.Payload, payload, enabledByDefault: true, point.Payload);
        if (Selectors.ToOutput(view.Vectors, collection.NamedVectors) is { } vectors)
        {
            point.Vectors = vectors;
        }

        return point;
    }

    private static VectorSpace SpaceFor(VectorCollection collection, string name) =>
        collection.Spaces.TryGetValue(name, out var space)
            ? space
            : throw RequestException.InvalidArgument($"Wrong input: Not existing vector name error: {name}");

    private static float[] QueryVector(VectorSpace space, IReadOnlyList<float> values)
    {
        if (values.Count != space.Dimensions)
        {
            throw RequestException.DimensionMismatch(space.Dimensions, values.Count);
        }

        var vector = values.ToArray();
        space.Prepare(vector);
        return vector;
    }

    /// <summary>Reads a point's vectors from either wire shape (single or named; dense or the deprecated data field).</summary>
    private static Dictionary<string, float[]> ReadVectors(VectorCollection collection, Vectors? vectors, PointKey id)
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        switch (vectors?.VectorsOptionsCase)
        {
            case Vectors.VectorsOptionsOneofCase.Vector:
                AddVector(collection, string.Empty, vectors.Vector, result);
                break;
            case Vectors.VectorsOptionsOneofCase.Vectors_:
                foreach (var (name, vector) in vectors.Vectors_.Vectors)
                {
                    AddVector(collection, name, vector, result);
                }

                break;
        }

        if (!collection.NamedVectors && collection.Spaces.Count > 0 && result.Count == 0)
        {
            throw RequestException.InvalidArgument($"Wrong input: point {id} has no vector");
        }

        return result;
    }

    private static void AddVector(VectorCollection collection, string name, Vector vector, Dictionary<string, float[]> result)
    {
        var space = SpaceFor(collection, name);
        IReadOnlyList<float> values;
#pragma warning disable CS0612, CS0618 // The deprecated data field is still what older clients send.
        switch (vector.VectorCase)
        {
            case Vector.VectorOneofCase.Dense:
                values = vector.Dense.Data;
                break;
            case Vector.VectorOneofCase.None when vector.Indices is null:
                values = vector.Data;
                break;
            default:
                throw RequestException.Unsupported($"Vector kind `{(vector.Indices is null ? vector.VectorCase.ToString() : "Sparse")}`");
        }
#pragma warning restore CS0612, CS0618

        if (values.Count != space.Dimensions)
        {
            throw RequestException.DimensionMismatch(space.Dimensions, values.Count);
        }

        var copy = values.ToArray();
        space.Prepare(copy);
        result[name] = copy;
    }

    private static int CheckLimit(ulong limit) => limit switch
    {
        0 => throw RequestException.InvalidArgument("Validation error in body: [limit: value 0 invalid, must be 1 or larger]"),
        > int.MaxValue / 2 => throw RequestException.InvalidArgument($"Validation error in body: [limit: value {limit} is too large]"),
        _ => (int)limit,
    };

    private static int CheckOffset(ulong offset) => offset > int.MaxValue / 2
        ? throw RequestException.InvalidArgument($"Validation error in body: [offset: value {offset} is too large]")
        : (int)offset;
}
