using Qdrant.Client;
using Qdrant.Client.Grpc;
using static Qdrant.Client.Grpc.Conditions;

namespace PerfTuner.LocalQdrant.Tests;

/// <summary>Filters through search, count and scroll, checked against a LINQ oracle over the same catalogue.</summary>
public sealed class FilterTests : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private static readonly string[] Cities = { "Berlin", "Paris", "Oslo", "Rome" };
    private readonly QdrantClient _client;
    private readonly List<Item> _items = new();
    private string _name = "";

    public FilterTests(ServerFixture fixture) => _client = fixture.Client;

    public async Task InitializeAsync()
    {
        _name = ServerFixture.UniqueName("filters");
        await _client.CreateCollectionAsync(_name, new VectorParams { Size = 4, Distance = Distance.Dot });
        var random = new Random(3);
        var points = new List<PointStruct>();
        for (var id = 1; id <= 200; id++)
        {
            var item = new Item(id, Cities[random.Next(Cities.Length)], random.Next(0, 100), random.Next(2) == 0,
                Enumerable.Range(0, random.Next(0, 3)).Select(_ => "tag" + random.Next(5)).ToArray());
            _items.Add(item);
            var point = new PointStruct { Id = (ulong)id, Vectors = new[] { id / 200f, 1f, 0f, (float)random.NextDouble() } };
            point.Payload["city"] = item.City;
            point.Payload["price"] = item.Price;
            point.Payload["rating"] = item.Price / 10.0;
            point.Payload["active"] = item.Active;
            point.Payload["tags"] = new Value { ListValue = new ListValue { Values = { item.Tags.Select(t => new Value { StringValue = t }) } } };
            point.Payload["meta"] = new Value { StructValue = new Struct { Fields = { ["city"] = item.City } } };
            points.Add(point);
        }

        await _client.UpsertAsync(_name, points);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Match_keyword() => AssertSameAsync(MatchKeyword("city", "Paris"), i => i.City == "Paris");

    [Fact]
    public Task Match_integer() => AssertSameAsync(Match("price", 42), i => i.Price == 42);

    [Fact]
    public Task Match_bool() => AssertSameAsync(Match("active", true), i => i.Active);

    [Fact]
    public Task Match_keyword_against_any_array_element() => AssertSameAsync(MatchKeyword("tags", "tag3"), i => i.Tags.Contains("tag3"));

    [Fact]
    public Task Match_any_of_keywords() => AssertSameAsync(Match("city", new[] { "Oslo", "Rome" }), i => i.City is "Oslo" or "Rome");

    [Fact]
    public Task Nested_object_path() => AssertSameAsync(MatchKeyword("meta.city", "Berlin"), i => i.City == "Berlin");

    [Fact]
    public Task Range_on_integers_and_doubles() =>
        AssertSameAsync(
            Range("price", new Qdrant.Client.Grpc.Range { Gte = 20, Lt = 50 }) & Range("rating", new Qdrant.Client.Grpc.Range { Gt = 3.0 }),
            i => i.Price >= 20 && i.Price < 50 && i.Price / 10.0 > 3.0);

    [Fact]
    public Task Has_id() => AssertSameAsync(HasId(new ulong[] { 3, 5, 8, 13, 500 }), i => i.Id is 3 or 5 or 8 or 13);

    [Fact]
    public Task Is_empty() => AssertSameAsync(IsEmpty("tags"), i => i.Tags.Length == 0);

    [Fact]
    public Task Must_should_and_must_not_nest()
    {
        // (city = Paris OR city = Rome) AND active AND NOT (price < 30 OR has tag1)
        var filter = new Filter
        {
            Must =
            {
                Match("active", true),
                new Condition { Filter = new Filter { Should = { MatchKeyword("city", "Paris"), MatchKeyword("city", "Rome") } } },
            },
            MustNot =
            {
                new Condition { Filter = new Filter { Should = { Range("price", new Qdrant.Client.Grpc.Range { Lt = 30 }), MatchKeyword("tags", "tag1") } } },
            },
        };
        return AssertSameAsync(filter, i => i.Active && (i.City is "Paris" or "Rome") && !(i.Price < 30 || i.Tags.Contains("tag1")));
    }

    [Fact]
    public async Task Limit_and_offset_apply_after_filtering()
    {
        var filter = new Filter { Must = { MatchKeyword("city", "Oslo") } };
        var expected = _items.Where(i => i.City == "Oslo").OrderByDescending(i => i.Id).Select(i => (ulong)i.Id).Skip(2).Take(5).ToList();
        // Vector [1,0,0,0] with Dot ranks by id/200, so a larger id is nearer.
        var page = await _client.SearchAsync(_name, new float[] { 1, 0, 0, 0 }, filter: filter, limit: 5, offset: 2);
        Assert.Equal(expected, page.Select(p => p.Id.Num));
    }

    private async Task AssertSameAsync(Filter filter, Func<Item, bool> oracle)
    {
        var expected = _items.Where(oracle).Select(i => (ulong)i.Id).OrderBy(id => id).ToList();
        Assert.NotEmpty(expected);
        Assert.NotEqual(_items.Count, expected.Count);

        Assert.Equal((ulong)expected.Count, await _client.CountAsync(_name, filter));
        var scrolled = await _client.ScrollAsync(_name, filter, limit: 1000);
        Assert.Equal(expected, scrolled.Result.Select(p => p.Id.Num));
        var searched = await _client.SearchAsync(_name, new float[] { 0, 1, 0, 0 }, filter: filter, limit: 1000);
        Assert.Equal(expected, searched.Select(p => p.Id.Num).OrderBy(id => id));
    }

    private Task AssertSameAsync(Condition condition, Func<Item, bool> oracle) => AssertSameAsync(new Filter { Must = { condition } }, oracle);

    private sealed record Item(int Id, string City, int Price, bool Active, string[] Tags);
}
