
namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0004 code fix: hoist a client built from constants into a static readonly field; Fix All shares identical ones.</summary>
public class PT0004ClientPerOperationCodeFixTests
{
    private const string Usings = PT0004ClientPerOperationTests.Usings;

    [Fact]
    public Task Using_declaration_moves_to_a_static_readonly_field() =>
        VerifyPT0004.CodeFixAsync(Usings + """
            public sealed class SearchService
            {
                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector)
                {
                    using var client = [|new QdrantClient("localhost", 6334)|];
                    var hits = await client.SearchAsync("documents", vector, limit: 10);
                    return hits;
                }
            }
            """,
            Usings + """
            public sealed class SearchService
            {
                private static readonly QdrantClient Client = new QdrantClient("localhost", 6334);

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector)
                {
                    var hits = await Client.SearchAsync("documents", vector, limit: 10);
                    return hits;
                }
            }
            """);

    [Fact]
    public Task Using_statement_is_unwrapped_and_its_body_kept() =>
        VerifyPT0004.CodeFixAsync(Usings + """
            public sealed class StatusPage
            {
                private int _calls;

                public async Task<string> StatusAsync()
                {
                    _calls++;
                    using (var http = [|new HttpClient()|])
                    {
                        var text = await http.GetStringAsync("http://localhost:6333/readyz");
                        return text.Trim();
                    }
                }
            }
            """,
            Usings + """
            public sealed class StatusPage
            {
                private static readonly HttpClient Http = new HttpClient();
                private int _calls;

                public async Task<string> StatusAsync()
                {
                    _calls++;
                    var text = await Http.GetStringAsync("http://localhost:6333/readyz");
                    return text.Trim();
                }
            }
            """);

    [Fact]
    public Task Inline_creation_becomes_a_shared_field_and_try_finally_Dispose_goes_away() =>
        VerifyPT0004.CodeFixAsync(Usings + """
            public sealed class Maintenance
            {
                public async Task<string> VersionAsync()
                {
                    return await [|new HttpClient()|].GetStringAsync("http://localhost:6333/");
                }

                public async Task SnapshotAsync(string collection)
                {
                    var qdrant = [|new QdrantClient(new Uri("http://qdrant:6334"))|];
                    try
                    {
                        await qdrant.CreateSnapshotAsync(collection);
                    }
                    finally
                    {
                        qdrant.Dispose();
                    }
                }
            }
            """,
            Usings + """
            public sealed class Maintenance
            {
                private static readonly HttpClient SharedHttpClient = new HttpClient();
                private static readonly QdrantClient Qdrant = new QdrantClient(new Uri("http://qdrant:6334"));

                public async Task<string> VersionAsync()
                {
                    return await SharedHttpClient.GetStringAsync("http://localhost:6333/");
                }

                public async Task SnapshotAsync(string collection)
                {
                    await Qdrant.CreateSnapshotAsync(collection);
                }
            }
            """);

    [Fact]
    public Task GrpcChannel_with_a_constant_address_is_hoisted() =>
        VerifyPT0004.CodeFixAsync(Usings + """
            public sealed class PointCounter
            {
                public async Task<ulong> CountAsync(string collection)
                {
                    using var channel = [|GrpcChannel.ForAddress("http://localhost:6334")|];
                    var points = new Points.PointsClient(channel);
                    var reply = await points.CountAsync(new CountPoints { CollectionName = collection });
                    return reply.Result.Count;
                }
            }
            """,
            Usings + """
            public sealed class PointCounter
            {
                private static readonly GrpcChannel Channel = GrpcChannel.ForAddress("http://localhost:6334");

                public async Task<ulong> CountAsync(string collection)
                {
                    var points = new Points.PointsClient(Channel);
                    var reply = await points.CountAsync(new CountPoints { CollectionName = collection });
                    return reply.Result.Count;
                }
            }
            """);

    [Fact]
    public Task Field_name_avoids_existing_members() =>
        VerifyPT0004.CodeFixAsync(Usings + """
            public sealed class Search
            {
                public string Client { get; } = "search";

                public async Task<long> CountAsync()
                {
                    using var client = [|new QdrantClient("localhost")|];
                    return (long)await client.CountAsync("documents");
                }
            }
            """,
            Usings + """
            public sealed class Search
            {
                private static readonly QdrantClient Client2 = new QdrantClient("localhost");

                public string Client { get; } = "search";

                public async Task<long> CountAsync()
                {
                    return (long)await Client2.CountAsync("documents");
                }
            }
            """);

    [Fact]
    public Task No_fix_is_offered_when_arguments_are_not_constants() =>
        VerifyPT0004.CodeFixAsync(Usings + """
            public sealed class TenantSearch
            {
                public async Task<long> CountAsync(string host)
                {
                    using var client = [|new QdrantClient(host)|];
                    return (long)await client.CountAsync("documents");
                }
            }
            """,
            Usings + """
            public sealed class TenantSearch
            {
                public async Task<long> CountAsync(string host)
                {
                    using var client = [|new QdrantClient(host)|];
                    return (long)await client.CountAsync("documents");
                }
            }
            """);

    [Fact]
    public Task Fix_all_shares_one_field_between_identical_creations_and_adds_one_per_distinct_creation() =>
        VerifyPT0004.FixAllAsync(Usings + """
            public sealed class DocumentsApi
            {
                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector)
                {
                    using var client = [|new QdrantClient("localhost")|];
                    return await client.SearchAsync("documents", vector);
                }

                public async Task<long> CountAsync()
                {
                    using var client = [|new QdrantClient("localhost")|];
                    return (long)await client.CountAsync("documents");
                }

                public async Task<string> EmbedAsync(string text)
                {
                    using var http = [|new HttpClient { Timeout = TimeSpan.FromSeconds(5) }|];
                    return await http.GetStringAsync("http://embeddings/embed?q=" + text);
                }
            }
            """,
            Usings + """
            public sealed class DocumentsApi
            {
                private static readonly QdrantClient Client = new QdrantClient("localhost");
                private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector)
                {
                    return await Client.SearchAsync("documents", vector);
                }

                public async Task<long> CountAsync()
                {
                    return (long)await Client.CountAsync("documents");
                }

                public async Task<string> EmbedAsync(string text)
                {
                    return await Http.GetStringAsync("http://embeddings/embed?q=" + text);
                }
            }
            """);
}
