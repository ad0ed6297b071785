using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Tests;

public sealed class CollectionsTests : IClassFixture<ServerFixture>
{
    private readonly QdrantClient _client;
    private readonly QdrantGrpcClient _grpc;

    public CollectionsTests(ServerFixture fixture)
    {
        _client = fixture.Client;
        _grpc = fixture.Grpc;
    }

    [Fact]
    public async Task HealthCheck_answers_with_a_title_that_does_not_claim_to_be_qdrant()
    {
        var reply = await _client.HealthAsync();
        Assert.Contains("LocalQdrant", reply.Title);
        Assert.Contains("not Qdrant", reply.Title);
        Assert.StartsWith("1.", reply.Version);
    }

    [Fact]
    public async Task Create_get_list_exists_delete_round_trip()
    {
        var name = ServerFixture.UniqueName("life");
        Assert.False(await _client.CollectionExistsAsync(name));

        await _client.CreateCollectionAsync(
            name,
            new VectorParams { Size = 8, Distance = Distance.Euclid },
            hnswConfig: new HnswConfigDiff { M = 32, EfConstruct = 200 });

        Assert.True(await _client.CollectionExistsAsync(name));
        Assert.Contains(name, await _client.ListCollectionsAsync());

        await _client.UpsertAsync(name, new[]
        {
            new PointStruct { Id = 1, Vectors = new float[] { 1, 2, 3, 4, 5, 6, 7, 8 } },
            new PointStruct { Id = 2, Vectors = new float[] { 8, 7, 6, 5, 4, 3, 2, 1 } },
        });

        var info = await _client.GetCollectionInfoAsync(name);
        Assert.Equal(CollectionStatus.Green, info.Status);
        Assert.Equal(2UL, info.PointsCount);
        Assert.Equal(8UL, info.Config.Params.VectorsConfig.Params.Size);
        Assert.Equal(Distance.Euclid, info.Config.Params.VectorsConfig.Params.Distance);
        Assert.Equal(32UL, info.Config.HnswConfig.M);
        Assert.Equal(200UL, info.Config.HnswConfig.EfConstruct);
        Assert.Equal(10000UL, info.Config.HnswConfig.FullScanThreshold);

        await _client.DeleteCollectionAsync(name);
        Assert.False(await _client.CollectionExistsAsync(name));
        Assert.DoesNotContain(name, await _client.ListCollectionsAsync());
    }

    [Fact]
    public async Task Named_vectors_configuration_is_reported_back()
    {
        var name = ServerFixture.UniqueName("named");
        await _client.CreateCollectionAsync(name, new VectorParamsMap
        {
            Map =
            {
                ["text"] = new VectorParams { Size = 4, Distance = Distance.Cosine },
                ["image"] = new VectorParams { Size = 3, Distance = Distance.Dot },
            },
        });

        var info = await _client.GetCollectionInfoAsync(name);
        Assert.Equal(4UL, info.Config.Params.VectorsConfig.ParamsMap.Map["text"].Size);
        Assert.Equal(Distance.Dot, info.Config.Params.VectorsConfig.ParamsMap.Map["image"].Distance);
    }

    [Fact]
    public async Task Creating_an_existing_collection_is_ALREADY_EXISTS()
    {
        var name = ServerFixture.UniqueName("dup");
        await _client.CreateCollectionAsync(name, new VectorParams { Size = 4, Distance = Distance.Cosine });
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateCollectionAsync(name, new VectorParams { Size = 4, Distance = Distance.Cosine }));
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains(name, error.Status.Detail);
    }

    [Fact]
    public async Task Getting_a_missing_collection_is_NOT_FOUND()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.GetCollectionInfoAsync("no-such-collection"));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("Not found: Collection `no-such-collection` doesn't exist!", error.Status.Detail);
    }

    [Fact]
    public async Task Deleting_a_missing_collection_answers_result_false()
    {
        // Qdrant.Client turns result=false into an exception; the raw gRPC answer is what Qdrant sends.
        var response = await _grpc.Collections.DeleteAsync(new DeleteCollection { CollectionName = "never-created" });
        Assert.False(response.Result);
    }

    [Theory]
    [InlineData(0UL, Distance.Cosine)]
    [InlineData(4UL, Distance.UnknownDistance)]
    public async Task Invalid_vector_parameters_are_INVALID_ARGUMENT(ulong size, Distance distance)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _client.CreateCollectionAsync(ServerFixture.UniqueName("bad"), new VectorParams { Size = size, Distance = distance }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Empty_collection_name_is_INVALID_ARGUMENT()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _grpc.Collections.CreateAsync(new CreateCollection
            {
                CollectionName = "",
                VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Dot } },
            }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Rpcs_the_server_does_not_implement_are_UNIMPLEMENTED()
    {
        var name = ServerFixture.UniqueName("unimpl");
        await _client.CreateCollectionAsync(name, new VectorParams { Size = 4, Distance = Distance.Cosine });
        var error = await Assert.ThrowsAsync<RpcException>(() => _client.CreateAliasAsync("alias", name));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }
}
