using PerfTuner.LocalQdrant.Engine;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Protocol;

/// <summary>qdrant.Collections: Create, Get, List, Delete, CollectionExists.</summary>
internal sealed class CollectionsHandlers
{
    private readonly CollectionRegistry _registry;

    public CollectionsHandlers(CollectionRegistry registry) => _registry = registry;

    public CollectionOperationResponse Create(CreateCollection request)
    {
        ValidateName(request.CollectionName);
        if (request.SparseVectorsConfig is { Map.Count: > 0 })
        {
            throw RequestException.Unsupported("Sparse vectors");
        }

        var spaces = new Dictionary<string, VectorSpace>(StringComparer.Ordinal);
        var named = false;
        switch (request.VectorsConfig?.ConfigCase)
        {
            case VectorsConfig.ConfigOneofCase.Params:
                spaces[string.Empty] = CreateSpace(string.Empty, request.VectorsConfig.Params);
                break;
            case VectorsConfig.ConfigOneofCase.ParamsMap:
                named = true;
                foreach (var (name, parameters) in request.VectorsConfig.ParamsMap.Map)
                {
                    spaces[name] = CreateSpace(name, parameters);
                }

                break;
        }

        var collection = new VectorCollection(request.CollectionName, request.Clone(), spaces, named);
        if (!_registry.TryAdd(collection))
        {
            collection.Dispose();
            throw RequestException.AlreadyExists($"Wrong input: Collection `{request.CollectionName}` already exists!");
        }

        return new CollectionOperationResponse { Result = true };
    }

    public GetCollectionInfoResponse Get(GetCollectionInfoRequest request)
    {
        var collection = _registry.Get(request.CollectionName);
        var definition = collection.Definition;
        var count = (ulong)collection.Count;

#pragma warning disable CS0612 // on_disk flags are deprecated in the protocol but still reported by Qdrant.
        // Qdrant's defaults, overlaid with what the collection was created with.
        var hnsw = new HnswConfigDiff { M = 16, EfConstruct = 100, FullScanThreshold = 10000, MaxIndexingThreads = 0, OnDisk = false };
        if (definition.HnswConfig is not null)
        {
            hnsw.MergeFrom(definition.HnswConfig);
        }

        var optimizers = new OptimizersConfigDiff { DeletedThreshold = 0.2, VacuumMinVectorNumber = 1000, DefaultSegmentNumber = 0, FlushIntervalSec = 5 };
        if (definition.OptimizersConfig is not null)
        {
            optimizers.MergeFrom(definition.OptimizersConfig);
        }

        var parameters = new CollectionParams
        {
            ShardNumber = definition.HasShardNumber ? definition.ShardNumber : 1,
            OnDiskPayload = !definition.HasOnDiskPayload || definition.OnDiskPayload,
            ReplicationFactor = definition.HasReplicationFactor ? definition.ReplicationFactor : 1,
            WriteConsistencyFactor = definition.HasWriteConsistencyFactor ? definition.WriteConsistencyFactor : 1,
        };
#pragma warning restore CS0612
        if (definition.VectorsConfig is not null)
        {
            parameters.VectorsConfig = definition.VectorsConfig.Clone();
        }

        var config = new CollectionConfig
        {
            Params = parameters,
            HnswConfig = hnsw,
            OptimizerConfig = optimizers,
            WalConfig = definition.WalConfig?.Clone() ?? new WalConfigDiff { WalCapacityMb = 32, WalSegmentsAhead = 0 },
        };
        if (definition.QuantizationConfig is not null)
        {
            config.QuantizationConfig = definition.QuantizationConfig.Clone();
        }

        return new GetCollectionInfoResponse
        {
            Result = new CollectionInfo
            {
                Status = CollectionStatus.Green,
                OptimizerStatus = new OptimizerStatus { Ok = true },
                SegmentsCount = 1,
                PointsCount = count,
                IndexedVectorsCount = count * (ulong)collection.Spaces.Count,
                Config = config,
            },
        };
    }

    public ListCollectionsResponse List(ListCollectionsRequest request)
    {
        var response = new ListCollectionsResponse();
        response.Collections.Add(_registry.Names().Select(name => new CollectionDescription { Name = name }));
        return response;
    }

    /// <summary>Deleting a collection that does not exist is not an error in Qdrant: the result is simply false.</summary>
    public CollectionOperationResponse Delete(DeleteCollection request) =>
        new() { Result = _registry.Remove(request.CollectionName) };

    public CollectionExistsResponse Exists(CollectionExistsRequest request) =>
        new() { Result = new CollectionExists { Exists = _registry.Exists(request.CollectionName) } };

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw RequestException.InvalidArgument("Validation error in body: [collection_name: value is empty]");
        }

        if (name.Length > 255 || name.IndexOfAny(new[] { '/', '\\', '\0' }) >= 0)
        {
            throw RequestException.InvalidArgument($"Validation error in body: [collection_name: `{name}` is not a valid collection name]");
        }
    }

    private static VectorSpace CreateSpace(string name, VectorParams parameters)
    {
        var label = name.Length == 0 ? "vectors" : $"vectors.{name}";
        if (parameters.Size is 0 or > 65536)
        {
            throw RequestException.InvalidArgument($"Validation error in body: [{label}.size: value {parameters.Size} invalid, must be from 1 to 65536]");
        }

        if (parameters.Distance is not (Distance.Cosine or Distance.Dot or Distance.Euclid or Distance.Manhattan))
        {
            throw RequestException.InvalidArgument($"Wrong input: {label}.distance: unknown distance {parameters.Distance}");
        }

        if (parameters.MultivectorConfig is not null)
        {
            throw RequestException.Unsupported("Multivectors");
        }

        return new VectorSpace(name, (int)parameters.Size, parameters.Distance);
    }
}
