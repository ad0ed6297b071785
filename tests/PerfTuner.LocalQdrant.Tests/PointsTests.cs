using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Tests;

public sealed class PointsTests : IClassFixture<ServerFixture>
{
    private readonly QdrantClient _client;
    private readonly QdrantGrpcClient _grpc;

    public PointsTests(ServerFixture fixture)
    {
        _client = fixture.Client;
        _grpc = fixture.Grpc;
    }

    [Fact]
    public async Task Upsert_reports_Completed_with_wait_and_Acknowledged_without()
    {
        var name = await CreateAsync(3);
        var waited = await _client.UpsertAsync(name, new[] { Point(1, 1, 0, 0) }, wait: true);
        var queued = await _client.UpsertAsync(name, new[] { Point(2, 0, 1, 0) }, wait: false);
        Assert.Equal(UpdateStatus.Completed, waited.Status);
        Assert.Equal(UpdateStatus.Acknowledged, queued.Status);
        Assert.NotEqual(waited.OperationId, queued.OperationId);
        Assert.Equal(2UL, await _client.CountAsync(name));
    }

    [Fact]
    public async Task Upsert_replaces_the_whole_point_including_payload()
    {
        var name = await CreateAsync(3);
        var first = Point(5, 1, 0, 0);
        first.Payload["color"] = "red";
        first.Payload["size"] = 3;
        await _client.UpsertAsync(name, new[] { first });

        var second = Point(5, 0, 0, 1);
        second.Payload["shape"] = "round";
        await _client.UpsertAsync(name, new[] { second });

        var stored = (await _client.RetrieveAsync(name, 5UL, withPayload: true, withVectors: true)).Single();
        Assert.Equal(new[] { "shape" }, stored.Payload.Keys);
        Assert.Equal(new[] { 0f, 0f, 1f }, stored.Vectors.Vector.Dense.Data);
        Assert.Equal(1UL, await _client.CountAsync(name));
    }

    [Fact]
    public async Task Uuid_ids_in_any_textual_form_are_one_point_and_come_back_normalised()
    {
        var name = await CreateAsync(3);
        var id = Guid.Parse("8a3c7b1e-4f2d-4b6a-9c1e-2d3f4a5b6c7d");
        await _client.UpsertAsync(name, new[] { new PointStruct { Id = new PointId { Uuid = id.ToString("N").ToUpperInvariant() }, Vectors = new float[] { 1, 0, 0 } } });
        await _client.UpsertAsync(name, new[] { new PointStruct { Id = new PointId { Uuid = id.ToString("B") }, Vectors = new float[] { 0, 1, 0 } } });
        await _client.UpsertAsync(name, new[] { Point(ulong.MaxValue, 0, 0, 1) });

        Assert.Equal(2UL, await _client.CountAsync(name));
        var all = await _client.ScrollAsync(name);
        Assert.Equal(ulong.MaxValue, all.Result[0].Id.Num);
        Assert.Equal("8a3c7b1e-4f2d-4b6a-9c1e-2d3f4a5b6c7d", all.Result[1].Id.Uuid);

        var byGuid = await _client.RetrieveAsync(name, id, withPayload: false, withVectors: true);
        Assert.Equal(new[] { 0f, 1f, 0f }, byGuid.Single().Vectors.Vector.Dense.Data);
    }

    [Fact]
    public async Task Deprecated_data_field_and_dense_field_are_both_accepted_and_returned()
    {
        var name = await CreateAsync(3, Distance.Dot);
        var legacy = new Vector();
#pragma warning disable CS0612, CS0618
        legacy.Data.Add(new float[] { 1, 2, 3 });
#pragma warning restore CS0612, CS0618
        var modern = new Vector { Dense = new DenseVector { Data = { 4, 5, 6 } } };
        await _client.UpsertAsync(name, new[]
        {
            new PointStruct { Id = 1, Vectors = new Vectors { Vector = legacy } },
            new PointStruct { Id = 2, Vectors = new Vectors { Vector = modern } },
        });

        var points = await _client.RetrieveAsync(name, new PointId[] { 1, 2 }, withPayload: false, withVectors: true);
        Assert.Equal(new[] { 1f, 2f, 3f }, points[0].Vectors.Vector.Dense.Data);
#pragma warning disable CS0612, CS0618
        Assert.Equal(new[] { 4f, 5f, 6f }, points[1].Vectors.Vector.Data);
#pragma warning restore CS0612, CS0618
    }

    [Fact]
    public async Task Payload_values_of_every_kind_round_trip_and_selectors_apply()
    {
        var name = await CreateAsync(3);
        var point = Point(1, 1, 1, 1);
        point.Payload["text"] = "hello";
        point.Payload["int"] = 42;
        point.Payload["double"] = 2.5;
        point.Payload["bool"] = true;
        point.Payload["null"] = new Value { NullValue = NullValue.NullValue };
        point.Payload["list"] = new Value { ListValue = new ListValue { Values = { "a", 1 } } };
        point.Payload["object"] = new Value { StructValue = new Struct { Fields = { ["nested"] = "yes" } } };
        await _client.UpsertAsync(name, new[] { point });

        var everything = (await _client.RetrieveAsync(name, 1UL, withPayload: true, withVectors: false)).Single();
        Assert.Equal(point.Payload, everything.Payload);
        Assert.Null(everything.Vectors);

        var included = await _client.RetrieveAsync(name, new PointId[] { 1 },
            new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { "int", "missing" } } }, new WithVectorsSelector { Enable = false });
        Assert.Equal(new[] { "int" }, included.Single().Payload.Keys);

        var excluded = await _client.RetrieveAsync(name, new PointId[] { 1 },
            new WithPayloadSelector { Exclude = new PayloadExcludeSelector { Fields = { "int", "text" } } }, new WithVectorsSelector { Enable = false });
        Assert.Equal(5, excluded.Single().Payload.Count);
        Assert.False(excluded.Single().Payload.ContainsKey("int"));

        var searched = await _client.SearchAsync(name, new float[] { 1, 1, 1 }, payloadSelector: new WithPayloadSelector { Enable = false });
        Assert.Empty(searched.Single().Payload);
    }

    [Fact]
    public async Task Named_vectors_are_searched_with_using_and_selected_by_name()
    {
        var name = ServerFixture.UniqueName("named");
        await _client.CreateCollectionAsync(name, new VectorParamsMap
        {
            Map =
            {
                ["text"] = new VectorParams { Size = 2, Distance = Distance.Dot },
                ["image"] = new VectorParams { Size = 3, Distance = Distance.Euclid },
            },
        });
        await _client.UpsertAsync(name, new[]
        {
            new PointStruct { Id = 1, Vectors = new Dictionary<string, float[]> { ["text"] = new float[] { 1, 0 }, ["image"] = new float[] { 0, 0, 0 } } },
            new PointStruct { Id = 2, Vectors = new Dictionary<string, float[]> { ["text"] = new float[] { 0, 1 }, ["image"] = new float[] { 5, 5, 5 } } },
            new PointStruct { Id = 3, Vectors = new Dictionary<string, float[]> { ["text"] = new float[] { 0.5f, 0.5f } } },
        });

        var byText = await _client.QueryAsync(name, query: new float[] { 0, 1 }, usingVector: "text", limit: 3);
        Assert.Equal(new ulong[] { 2, 3, 1 }, byText.Select(p => p.Id.Num));

        var byImage = await _client.SearchAsync(name, new float[] { 4, 4, 4 }, vectorName: "image", limit: 3,
            vectorsSelector: new WithVectorsSelector { Include = new VectorsSelector { Names = { "image" } } });
        Assert.Equal(new ulong[] { 2, 1 }, byImage.Select(p => p.Id.Num));
        Assert.Equal(Math.Sqrt(3), byImage[0].Score, 4);
        Assert.Equal(new[] { "image" }, byImage[0].Vectors.Vectors.Vectors.Keys);

        var withFilter = await _client.CountAsync(name, new Filter { Must = { new Condition { HasVector = new HasVectorCondition { HasVector = "image" } } } });
        Assert.Equal(2UL, withFilter);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => _client.SearchAsync(name, new float[] { 1, 0 }, vectorName: "audio"));
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
    }

    [Fact]
    public async Task Delete_by_ids_and_by_filter()
    {
        var name = await CreateAsync(2);
        await _client.UpsertAsync(name, Enumerable.Range(1, 10).Select(i =>
        {
            var p = Point((ulong)i, i, 1);
            p.Payload["even"] = i % 2 == 0;
            return p;
        }).ToList());

        var byIds = await _client.DeleteAsync(name, new ulong[] { 1, 2, 999 });
        Assert.Equal(UpdateStatus.Completed, byIds.Status);
        Assert.Equal(8UL, await _client.CountAsync(name));

        await _client.DeleteAsync(name, new Filter { Must = { new Condition { Field = new FieldCondition { Key = "even", Match = new Match { Boolean = true } } } } });
        var left = await _client.ScrollAsync(name, limit: 100);
        Assert.Equal(new ulong[] { 3, 5, 7, 9 }, left.Result.Select(p => p.Id.Num));

        // The survivors are still found by search after the storage compacted around the holes.
        var nearest = await _client.SearchAsync(name, new float[] { 9, 1 }, limit: 1);
        Assert.Equal(9UL, nearest.Single().Id.Num);
    }

    [Fact]
    public async Task Scroll_pages_in_id_order_with_next_page_offset()
    {
        var name = await CreateAsync(2);
        await _client.UpsertAsync(name, new ulong[] { 40, 3, 17, 8, 25, 1, 33 }.Select(i => Point(i, 1, 1)).ToList());

        var seen = new List<ulong>();
        PointId? offset = null;
        var pages = 0;
        do
        {
            var page = await _client.ScrollAsync(name, limit: 3, offset: offset);
            seen.AddRange(page.Result.Select(p => p.Id.Num));
            offset = page.NextPageOffset;
            pages++;
        }
        while (offset is not null && pages < 10);

        Assert.Equal(new ulong[] { 1, 3, 8, 17, 25, 33, 40 }, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Query_without_a_query_lists_points_in_id_order()
    {
        var name = await CreateAsync(2);
        await _client.UpsertAsync(name, new ulong[] { 5, 2, 9 }.Select(i => Point(i, 1, 1)).ToList());
        var result = await _client.QueryAsync(name, limit: 2, offset: 1);
        Assert.Equal(new ulong[] { 5, 9 }, result.Select(p => p.Id.Num));
    }

    [Fact]
    public async Task Wrong_dimension_is_INVALID_ARGUMENT_with_qdrants_message()
    {
        var name = await CreateAsync(4);
        var upsert = await Assert.ThrowsAsync<RpcException>(() => _client.UpsertAsync(name, new[] { Point(1, 1, 2, 3) }));
        Assert.Equal(StatusCode.InvalidArgument, upsert.StatusCode);
        Assert.Contains("Vector dimension error: expected dim: 4, got 3", upsert.Status.Detail);

        var search = await Assert.ThrowsAsync<RpcException>(() => _client.SearchAsync(name, new float[] { 1, 2 }));
        Assert.Equal(StatusCode.InvalidArgument, search.StatusCode);
        Assert.Contains("Vector dimension error: expected dim: 4, got 2", search.Status.Detail);

        var query = await Assert.ThrowsAsync<RpcException>(() => _client.QueryAsync(name, query: new float[] { 1, 2, 3, 4, 5 }));
        Assert.Contains("Vector dimension error: expected dim: 4, got 5", query.Status.Detail);
    }

    [Fact]
    public async Task A_bad_point_rejects_the_whole_batch()
    {
        var name = await CreateAsync(2);
        await Assert.ThrowsAsync<RpcException>(() => _client.UpsertAsync(name, new[] { Point(1, 1, 1), Point(2, 1, 1, 1) }));
        Assert.Equal(0UL, await _client.CountAsync(name));
    }

    [Fact]
    public async Task Point_operations_on_a_missing_collection_are_NOT_FOUND()
    {
        const string missing = "missing-collection";
        var calls = new Func<Task>[]
        {
            () => _client.UpsertAsync(missing, new[] { Point(1, 1) }),
            () => _client.SearchAsync(missing, new float[] { 1 }),
            () => _client.QueryAsync(missing, query: new float[] { 1 }),
            () => _client.CountAsync(missing),
            () => _client.DeleteAsync(missing, 1UL),
            () => _client.RetrieveAsync(missing, 1UL),
            () => _client.ScrollAsync(missing),
        };
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Contains("missing-collection", error.Status.Detail);
        }
    }

    [Fact]
    public async Task Malformed_requests_are_INVALID_ARGUMENT_and_the_server_keeps_serving()
    {
        var name = await CreateAsync(2);
        var badUuid = await Assert.ThrowsAsync<RpcException>(() =>
            _client.UpsertAsync(name, new[] { new PointStruct { Id = new PointId { Uuid = "not-a-uuid" }, Vectors = new float[] { 1, 1 } } }));
        Assert.Equal(StatusCode.InvalidArgument, badUuid.StatusCode);

        var noVector = await Assert.ThrowsAsync<RpcException>(() => _client.UpsertAsync(name, new[] { new PointStruct { Id = 1 } }));
        Assert.Equal(StatusCode.InvalidArgument, noVector.StatusCode);

        var zeroLimit = await Assert.ThrowsAsync<RpcException>(() => _client.SearchAsync(name, new float[] { 1, 1 }, limit: 0));
        Assert.Equal(StatusCode.InvalidArgument, zeroLimit.StatusCode);

        var emptySelector = await Assert.ThrowsAsync<RpcException>(() =>
            _grpc.Points.DeleteAsync(new DeletePoints { CollectionName = name }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, emptySelector.StatusCode);

        var unsupported = await Assert.ThrowsAsync<RpcException>(() =>
            _client.QueryAsync(name, query: new Query { Sample = Sample.Random }));
        Assert.Equal(StatusCode.Unimplemented, unsupported.StatusCode);

        Assert.Equal(0UL, await _client.CountAsync(name));
        Assert.NotNull(await _client.HealthAsync());
    }

    private async Task<string> CreateAsync(ulong dimensions, Distance distance = Distance.Cosine)
    {
        var name = ServerFixture.UniqueName("points");
        await _client.CreateCollectionAsync(name, new VectorParams { Size = dimensions, Distance = distance });
        return name;
    }

    private static PointStruct Point(ulong id, params float[] vector) => new() { Id = id, Vectors = vector };
}
