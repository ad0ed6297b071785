using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.LocalQdrant.Tests;

/// <summary>Every distance's ranking, scores and strict threshold against a brute-force oracle on seeded random data.</summary>
public sealed class SearchOracleTests : IClassFixture<ServerFixture>
{
    private const int Points = 600;
    private const int Dimensions = 24;
    private readonly QdrantClient _client;

    public SearchOracleTests(ServerFixture fixture) => _client = fixture.Client;

    public static TheoryData<Distance> Distances => new() { Distance.Cosine, Distance.Dot, Distance.Euclid, Distance.Manhattan };

    [Theory]
    [MemberData(nameof(Distances))]
    public async Task Search_ranks_and_scores_like_the_oracle(Distance distance)
    {
        var (name, vectors) = await CreateRandomCollectionAsync(distance, seed: 11);
        var random = new Random(99);
        for (var q = 0; q < 5; q++)
        {
            var query = RandomVector(random);
            var expected = Oracle.Rank(distance, vectors, query).Take(10).ToList();
            var actual = await _client.SearchAsync(name, query, limit: 10, searchParams: new SearchParams { Exact = true });

            Assert.Equal(expected.Select(e => (ulong)e.Id), actual.Select(p => p.Id.Num));
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Score, actual[i].Score, 3);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Distances))]
    public async Task Query_nearest_matches_search(Distance distance)
    {
        var (name, _) = await CreateRandomCollectionAsync(distance, seed: 12);
        var query = RandomVector(new Random(5));
        var search = await _client.SearchAsync(name, query, limit: 7, offset: 3);
        var queried = await _client.QueryAsync(name, query: query, limit: 7, offset: 3);
        Assert.Equal(search.Select(p => p.Id.Num), queried.Select(p => p.Id.Num));
        Assert.Equal(search.Select(p => p.Score), queried.Select(p => p.Score));
    }

    [Theory]
    [MemberData(nameof(Distances))]
    public async Task Score_threshold_is_strict_and_follows_the_distance_direction(Distance distance)
    {
        var (name, vectors) = await CreateRandomCollectionAsync(distance, seed: 13);
        var query = RandomVector(new Random(7));
        var ranked = Oracle.Rank(distance, vectors, query).ToList();

        // The threshold is exactly the 20th result's score as the server computes it: strict means it is left out.
        var all = await _client.SearchAsync(name, query, limit: 30);
        var threshold = all[19].Score;
        var filtered = await _client.SearchAsync(name, query, limit: 100, scoreThreshold: threshold);

        Assert.Equal(19, filtered.Count);
        Assert.Equal(all.Take(19).Select(p => p.Id.Num), filtered.Select(p => p.Id.Num));
        var higherIsBetter = distance is Distance.Cosine or Distance.Dot;
        Assert.All(filtered, p => Assert.True(higherIsBetter ? p.Score > threshold : p.Score < threshold));
        var oracleCount = ranked.Count(r => higherIsBetter ? r.Score > threshold + 1e-4 : r.Score < threshold - 1e-4);
        Assert.InRange(filtered.Count, oracleCount, oracleCount + 1);
    }

    [Fact]
    public async Task Offset_pages_through_the_same_ranking()
    {
        var (name, vectors) = await CreateRandomCollectionAsync(Distance.Cosine, seed: 14);
        var query = RandomVector(new Random(8));
        var expected = Oracle.Rank(Distance.Cosine, vectors, query).Select(r => (ulong)r.Id).Take(30).ToList();
        var pages = new List<ulong>();
        for (var offset = 0UL; offset < 30; offset += 10)
        {
            pages.AddRange((await _client.SearchAsync(name, query, limit: 10, offset: offset)).Select(p => p.Id.Num));
        }

        Assert.Equal(expected, pages);
    }

    [Fact]
    public async Task Cosine_vectors_are_stored_normalised()
    {
        var name = ServerFixture.UniqueName("norm");
        await _client.CreateCollectionAsync(name, new VectorParams { Size = 2, Distance = Distance.Cosine });
        await _client.UpsertAsync(name, new[] { new PointStruct { Id = 1, Vectors = new float[] { 3, 4 } } });
        var points = await _client.RetrieveAsync(name, 1UL, withPayload: false, withVectors: true);
        var stored = points.Single().Vectors.Vector.Dense.Data;
        Assert.Equal(0.6f, stored[0], 5);
        Assert.Equal(0.8f, stored[1], 5);
        var hit = await _client.SearchAsync(name, new float[] { 30, 40 }, limit: 1);
        Assert.Equal(1f, hit.Single().Score, 5);
    }

    private async Task<(string Name, Dictionary<int, float[]> Vectors)> CreateRandomCollectionAsync(Distance distance, int seed)
    {
        var name = ServerFixture.UniqueName(distance.ToString().ToLowerInvariant());
        await _client.CreateCollectionAsync(name, new VectorParams { Size = Dimensions, Distance = distance });
        var random = new Random(seed);
        var vectors = Enumerable.Range(0, Points).ToDictionary(i => i, _ => RandomVector(random));
        await _client.UpsertAsync(name, vectors.Select(v => new PointStruct { Id = (ulong)v.Key, Vectors = v.Value }).ToList());
        return (name, vectors);
    }

    private static float[] RandomVector(Random random) =>
        Enumerable.Range(0, Dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
}

/// <summary>Brute-force reference in double precision, written from the metric definitions.</summary>
internal static class Oracle
{
    public static IEnumerable<(int Id, float Score)> Rank(Distance distance, IReadOnlyDictionary<int, float[]> vectors, float[] query)
    {
        var scored = vectors.Select(v => (v.Key, Score: (float)Score(distance, v.Value, query)));
        return distance is Distance.Cosine or Distance.Dot
            ? scored.OrderByDescending(s => s.Score)
            : scored.OrderBy(s => s.Score);
    }

    public static double Score(Distance distance, float[] a, float[] b)
    {
        double dot = 0, normA = 0, normB = 0, squares = 0, absolute = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            normA += a[i] * (double)a[i];
            normB += b[i] * (double)b[i];
            squares += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
            absolute += Math.Abs(a[i] - (double)b[i]);
        }

        return distance switch
        {
            Distance.Cosine => dot / Math.Sqrt(normA * normB),
            Distance.Dot => dot,
            Distance.Euclid => Math.Sqrt(squares),
            _ => absolute,
        };
    }
}
