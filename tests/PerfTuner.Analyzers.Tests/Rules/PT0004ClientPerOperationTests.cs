using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using PerfTuner.CodeFixes;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// The shared verifiers plus Microsoft.Extensions.Logging.Abstractions: QdrantClient's constructors take an
/// optional ILoggerFactory, so binding <c>new QdrantClient(...)</c> needs that assembly referenced.
/// </summary>
internal static class VerifyPT0004
{
    private static readonly MetadataReference Logging =
        MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILoggerFactory).Assembly.Location);

    internal static DiagnosticResult Diagnostic(string id) => Verify<ClientPerOperationAnalyzer>.Diagnostic(id);

    internal static Verify<ClientPerOperationAnalyzer>.AnalyzerTest Test(string source, string? editorConfig = null)
    {
        var test = new Verify<ClientPerOperationAnalyzer>.AnalyzerTest(editorConfig) { TestCode = source };
        test.TestState.AdditionalReferences.Add(Logging);
        return test;
    }

    internal static Task AnalyzerAsync(string source, params DiagnosticResult[] expected) => AnalyzerAsync(source, null, expected);

    internal static Task AnalyzerAsync(string source, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = Test(source, editorConfig);
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    internal static Task NeverThrowsAsync(string source, string? editorConfig = null) =>
        Verify<ClientPerOperationAnalyzer>.NeverThrowsAsync(source, editorConfig);

    internal static Task<System.Collections.Immutable.ImmutableArray<Diagnostic>> GetAnalyzerDiagnosticsAsync(string source) =>
        Verify<ClientPerOperationAnalyzer>.GetAnalyzerDiagnosticsAsync(source);

    internal static Task CodeFixAsync(string source, string fixedSource) => FixTest(source, fixedSource, fixAll: false).RunAsync();

    internal static Task FixAllAsync(string source, string fixedSource) => FixTest(source, fixedSource, fixAll: true).RunAsync();

    private static VerifyFix<ClientPerOperationAnalyzer, ClientPerOperationCodeFix>.CodeFixTest FixTest(string source, string fixedSource, bool fixAll)
    {
        var test = new VerifyFix<ClientPerOperationAnalyzer, ClientPerOperationCodeFix>.CodeFixTest(editorConfig: null)
        {
            TestCode = source,
            FixedCode = fixedSource,
        };
        if (fixAll)
        {
            test.BatchFixedCode = fixedSource;
            test.NumberOfFixAllIterations = 1;
            test.BatchFixedState.AdditionalReferences.AddRange(TestReferences.Libraries);
            test.BatchFixedState.AdditionalReferences.Add(Logging);
        }

        test.TestState.AdditionalReferences.Add(Logging);
        test.FixedState.AdditionalReferences.Add(Logging);
        return test;
    }
}

/// <summary>PT0004: clients and channels created per operation — positives, negatives, messages, options, robustness.</summary>
public class PT0004ClientPerOperationTests
{
    internal const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Net.Http.Json;
        using System.Threading;
        using System.Threading.Tasks;
        using Grpc.Net.Client;
        using Qdrant.Client;
        using Qdrant.Client.Grpc;

        """;

    private static DiagnosticResult Expected(int location, string type, string how) =>
        VerifyPT0004.Diagnostic("PT0004").WithLocation(location).WithArguments(type, how);

    // ---------------------------------------------------------------- positives

    [Fact]
    public Task Search_service_creating_a_QdrantClient_per_request_is_reported_with_method_and_disposal() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class SearchService
            {
                public async Task<IReadOnlyList<ScoredPoint>> Search(string query, float[] vector)
                {
                    using var client = {|#0:new QdrantClient("localhost", 6334)|};
                    return await client.SearchAsync("documents", vector, limit: 10);
                }
            }
            """,
            Expected(0, "QdrantClient", "per call of Search(string, float[]) and disposed at its end"));

    [Fact]
    public Task HttpClient_per_embedding_call_used_through_an_extension_method_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed record EmbeddingResponse(float[] Embedding);

            public sealed class EmbeddingClient
            {
                public async Task<float[]> EmbedAsync(string text, CancellationToken ct)
                {
                    using var http = {|#0:new HttpClient()|};
                    var response = await http.PostAsJsonAsync("http://embeddings:8080/embed", new { text }, ct);
                    var body = await response.Content.ReadFromJsonAsync<EmbeddingResponse>(cancellationToken: ct);
                    return body!.Embedding;
                }
            }
            """,
            Expected(0, "HttpClient", "per call of EmbedAsync(string, CancellationToken) and disposed at its end"));

    [Fact]
    public Task HttpClient_created_inline_and_dropped_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class ModelCatalog
            {
                public async Task<string> GetModelCardAsync(string model)
                {
                    return await {|#0:new HttpClient()|}.GetStringAsync("https://models.internal/cards/" + model);
                }
            }
            """,
            Expected(0, "HttpClient", "per call of GetModelCardAsync(string) and dropped at its end"));

    [Fact]
    public Task GrpcChannel_per_call_handed_to_a_generated_client_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class PointCounter
            {
                public async Task<ulong> CountAsync(string address, string collection)
                {
                    using var channel = {|#0:GrpcChannel.ForAddress(address)|};
                    var points = new Points.PointsClient(channel);
                    var reply = await points.CountAsync(new CountPoints { CollectionName = collection, Exact = true });
                    return reply.Result.Count;
                }
            }
            """,
            Expected(0, "GrpcChannel", "per call of CountAsync(string, string) and disposed at its end"));

    [Fact]
    public Task GrpcChannel_created_inline_for_a_generated_client_is_reported_as_dropped() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class CollectionProbe
            {
                public async Task<bool> ExistsAsync(string collection)
                {
                    var collections = new Collections.CollectionsClient({|#0:GrpcChannel.ForAddress("http://localhost:6334")|});
                    var reply = await collections.CollectionExistsAsync(new CollectionExistsRequest { CollectionName = collection });
                    return reply.Result.Exists;
                }
            }
            """,
            Expected(0, "GrpcChannel", "per call of ExistsAsync(string) and dropped at its end"));

    [Fact]
    public Task QdrantClient_created_per_tenant_in_a_loop_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed record Tenant(string Host, string Collection);

            public sealed class TenantProvisioner
            {
                public async Task EnsureCollectionsAsync(IEnumerable<Tenant> tenants)
                {
                    foreach (var tenant in tenants)
                    {
                        using var client = {|#0:new QdrantClient(tenant.Host)|};
                        if (!await client.CollectionExistsAsync(tenant.Collection))
                        {
                            await client.CreateCollectionAsync(tenant.Collection, new VectorParams { Size = 384, Distance = Distance.Cosine });
                        }
                    }
                }
            }
            """,
            Expected(0, "QdrantClient", "in every iteration of a loop in EnsureCollectionsAsync(IEnumerable<Tenant>)"));

    [Fact]
    public Task HttpClient_in_a_using_statement_inside_a_for_loop_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class HealthPoller
            {
                public async Task<int> CountHealthyAsync(string[] nodes)
                {
                    var healthy = 0;
                    for (var i = 0; i < nodes.Length; i++)
                    {
                        using (var http = [|new HttpClient()|])
                        {
                            var response = await http.GetAsync(nodes[i] + "/healthz");
                            if (response.IsSuccessStatusCode) healthy++;
                        }
                    }

                    return healthy;
                }
            }
            """);

    [Fact]
    public Task HttpClient_per_item_inside_a_Parallel_ForEachAsync_lambda_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class DocumentFetcher
            {
                public Task FetchAllAsync(IEnumerable<string> urls, CancellationToken ct) =>
                    Parallel.ForEachAsync(urls, ct, async (url, token) =>
                    {
                        using var http = {|#0:new HttpClient()|};
                        var html = await http.GetStringAsync(url, token);
                        Console.WriteLine(html.Length);
                    });
            }
            """,
            Expected(0, "HttpClient", "per call of a lambda in FetchAllAsync(IEnumerable<string>, CancellationToken) and disposed at its end"));

    [Fact]
    public Task QdrantClient_with_an_explicit_Dispose_in_finally_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class SnapshotService
            {
                public async Task SnapshotAsync(string collection)
                {
                    var client = [|new QdrantClient(new Uri("http://qdrant:6334"))|];
                    try
                    {
                        await client.CreateSnapshotAsync(collection);
                    }
                    finally
                    {
                        client.Dispose();
                    }
                }
            }
            """);

    [Fact]
    public Task QdrantGrpcClient_built_from_an_address_per_call_is_reported_as_dropped() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class CollectionLister
            {
                public async Task<string[]> ListAsync()
                {
                    var grpc = {|#0:new QdrantGrpcClient("localhost", 6334)|};
                    var reply = await grpc.Collections.ListAsync(new ListCollectionsRequest());
                    return reply.Collections.Select(c => c.Name).ToArray();
                }
            }
            """,
            Expected(0, "QdrantGrpcClient", "per call of ListAsync() and dropped at its end"));

    [Fact]
    public Task Nested_QdrantClient_over_a_fresh_channel_is_reported_once_on_the_outer_client() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Recommender
            {
                public async Task<IReadOnlyList<ScoredPoint>> RecommendAsync(ulong id)
                {
                    using var client = [|new QdrantClient(new QdrantGrpcClient(GrpcChannel.ForAddress("http://localhost:6334")))|];
                    return await client.RecommendAsync("products", new ulong[] { id });
                }
            }
            """);

    [Fact]
    public Task HttpClient_over_a_handler_created_in_the_same_call_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Downloader
            {
                public async Task<byte[]> DownloadAsync(string url)
                {
                    var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
                    using var http = [|new HttpClient(handler, disposeHandler: true)|];
                    return await http.GetByteArrayAsync(url);
                }
            }
            """);

    [Fact]
    public Task Channel_with_a_handler_created_inline_in_its_options_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Pinger
            {
                public async Task<HealthCheckReply> PingAsync()
                {
                    using var channel = [|GrpcChannel.ForAddress("http://localhost:6334", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler() })|];
                    var grpc = new Qdrant.Client.Grpc.Qdrant.QdrantClient(channel);
                    return await grpc.HealthCheckAsync(new HealthCheckRequest());
                }
            }
            """);

    [Fact]
    public Task HttpClient_created_and_dropped_in_a_transient_service_constructor_is_reported_per_instance() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class PromptTemplates
            {
                private readonly string _template;

                public PromptTemplates(string url)
                {
                    using var http = {|#0:new HttpClient()|};
                    _template = http.GetStringAsync(url).GetAwaiter().GetResult();
                }

                public string Render(string question) => _template.Replace("{question}", question);
            }
            """,
            Expected(0, "HttpClient", "per instance of PromptTemplates and disposed at its end"));

    [Fact]
    public Task Local_function_creating_a_client_per_call_is_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Reindexer
            {
                public async Task ReindexAsync(IReadOnlyList<string> collections)
                {
                    foreach (var name in collections)
                    {
                        await DeleteAsync(name);
                    }

                    async Task DeleteAsync(string name)
                    {
                        using var client = {|#0:new QdrantClient("localhost")|};
                        await client.DeleteCollectionAsync(name);
                    }
                }
            }
            """,
            Expected(0, "QdrantClient", "per call of DeleteAsync(string) in ReindexAsync(IReadOnlyList<string>) and disposed at its end"));

    [Fact]
    public async Task Loop_in_top_level_statements_is_reported_even_though_the_entry_point_is_not()
    {
        var test = VerifyPT0004.Test(Usings + """
                using var admin = new QdrantClient("localhost");
                foreach (var name in args)
                {
                    using var http = [|new HttpClient()|];
                    Console.WriteLine(await http.GetStringAsync("http://localhost:6333/collections/" + name));
                }
                """);
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        await test.RunAsync();
    }

    // ---------------------------------------------------------------- negatives

    [Fact]
    public Task Client_injected_through_the_constructor_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class SearchService(QdrantClient client)
            {
                public Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector) =>
                    client.SearchAsync("documents", vector, limit: 10);
            }
            """);

    [Fact]
    public Task Static_readonly_fields_are_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public static class Clients
            {
                private static readonly QdrantClient Qdrant = new QdrantClient("localhost");
                private static readonly HttpClient Http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                private static readonly GrpcChannel Channel = GrpcChannel.ForAddress("http://localhost:6334");

                public static Task<string> GetAsync(string url) => Http.GetStringAsync(url);
            }
            """);

    [Fact]
    public Task Lazy_holder_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class VectorStore
            {
                private static readonly Lazy<QdrantClient> Client = new(() => new QdrantClient("localhost", 6334));

                public Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector) =>
                    Client.Value.SearchAsync("documents", vector);
            }
            """);

    [Fact]
    public Task Constructor_storing_the_client_in_a_field_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed record QdrantSettings(string Host, int Port, string? ApiKey);

            public sealed class MemoryStore : IDisposable
            {
                private readonly QdrantClient _client;
                private readonly HttpClient _http;

                public MemoryStore(QdrantSettings settings)
                {
                    _client = new QdrantClient(settings.Host, settings.Port, apiKey: settings.ApiKey);
                    var http = new HttpClient { BaseAddress = new Uri("http://embeddings:8080") };
                    _http = http;
                }

                public void Dispose()
                {
                    _client.Dispose();
                    _http.Dispose();
                }
            }
            """);

    [Fact]
    public Task Factory_methods_returning_the_client_are_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public static class QdrantClientFactory
            {
                public static QdrantClient Create(string host) => new QdrantClient(host);

                public static QdrantClient CreateWithTimeout(string host, TimeSpan timeout)
                {
                    var client = new QdrantClient(host, grpcTimeout: timeout);
                    return client;
                }

                public static GrpcChannel Channel(string address) =>
                    address.StartsWith("https") ? GrpcChannel.ForAddress(address) : GrpcChannel.ForAddress(address.Replace("http:", "https:"));
            }
            """);

    [Fact]
    public Task Clients_stored_in_a_collection_or_handed_to_a_returned_object_are_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class TenantSearch(QdrantClient client)
            {
                public QdrantClient Client => client;
            }

            public sealed class TenantRegistry
            {
                private readonly Dictionary<string, QdrantClient> _clients = new();
                private readonly List<HttpClient> _http = new();

                public void Register(string tenant, string host)
                {
                    _clients[tenant] = new QdrantClient(host);
                    _http.Add(new HttpClient());
                }

                public TenantSearch ForTenant(string host)
                {
                    var client = new QdrantClient(host);
                    return new TenantSearch(client);
                }
            }
            """);

    [Fact]
    public Task Static_Main_is_a_one_shot_entry_point() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public static class Program
            {
                public static async Task Main(string[] args)
                {
                    using var client = new QdrantClient(args.Length > 0 ? args[0] : "localhost");
                    using var http = new HttpClient();
                    foreach (var collection in await client.ListCollectionsAsync())
                    {
                        Console.WriteLine(collection);
                    }
                }
            }
            """);

    [Fact]
    public async Task Top_level_statements_are_a_one_shot_entry_point()
    {
        var test = VerifyPT0004.Test(Usings + """
                using var client = new QdrantClient("localhost");
                using var channel = GrpcChannel.ForAddress("http://localhost:6334");
                Console.WriteLine(string.Join(", ", await client.ListCollectionsAsync()));
                """);
        test.TestState.OutputKind = OutputKind.ConsoleApplication;
        await test.RunAsync();
    }

    [Fact]
    public Task IHttpClientFactory_CreateClient_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public interface IHttpClientFactory { HttpClient CreateClient(string name); }

            public sealed class Embedder(IHttpClientFactory factory)
            {
                public async Task<string> EmbedAsync(string text)
                {
                    var http = factory.CreateClient("embeddings");
                    return await http.GetStringAsync("/embed?text=" + Uri.EscapeDataString(text));
                }
            }
            """);

    [Fact]
    public Task Test_and_benchmark_methods_are_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            namespace Xunit { public sealed class FactAttribute : Attribute { } }
            namespace BenchmarkDotNet.Attributes { public sealed class BenchmarkAttribute : Attribute { } }

            public class SearchTests
            {
                [Xunit.Fact]
                public async Task Search_returns_neighbours()
                {
                    using var client = new QdrantClient("localhost");
                    var hits = await client.SearchAsync("documents", new float[] { 1, 0 });
                    if (hits.Count == 0) throw new Exception("no hits");
                }

                [BenchmarkDotNet.Attributes.Benchmark]
                public async Task ColdStartSearch()
                {
                    using var client = new QdrantClient("localhost");
                    await client.SearchAsync("documents", new float[] { 1, 0 });
                }
            }
            """);

    [Fact]
    public Task HttpClient_over_a_shared_handler_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class WebhookSender
            {
                private static readonly SocketsHttpHandler SharedHandler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

                public async Task SendAsync(string url, string payload)
                {
                    using var http = new HttpClient(SharedHandler, disposeHandler: false);
                    await http.PostAsync(url, new StringContent(payload));
                }
            }
            """);

    [Fact]
    public Task Client_reused_across_a_loop_in_a_long_running_method_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Importer
            {
                public async Task ImportAsync(IEnumerable<PointStruct[]> batches)
                {
                    using var client = new QdrantClient("localhost");
                    foreach (var batch in batches)
                    {
                        await client.UpsertAsync("documents", batch);
                    }
                }
            }

            namespace Microsoft.Extensions.Hosting
            {
                public abstract class BackgroundService { protected abstract Task ExecuteAsync(CancellationToken stoppingToken); }
            }

            public sealed class IndexWorker : Microsoft.Extensions.Hosting.BackgroundService
            {
                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    using var http = new HttpClient();
                    await http.GetStringAsync("http://localhost/warmup", stoppingToken);
                }
            }
            """);

    [Fact]
    public Task Wrappers_over_shared_clients_and_channels_are_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class ScopedSearch
            {
                private static readonly GrpcChannel Channel = GrpcChannel.ForAddress("http://localhost:6334");
                private static readonly QdrantGrpcClient Grpc = new(Channel);
                private static readonly SocketsHttpHandler Handler = new();

                public async Task<long> CountAsync(string collection)
                {
                    using var client = new QdrantClient(Grpc);
                    var grpc = new QdrantGrpcClient(Channel);
                    using var tuned = GrpcChannel.ForAddress("http://localhost:6334", new GrpcChannelOptions { HttpHandler = Handler });
                    return (long)await client.CountAsync(collection);
                }
            }
            """);

    [Fact]
    public Task Clients_handed_to_other_code_or_captured_are_ambiguous_and_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Registrations
            {
                public static Func<IServiceProvider, QdrantClient> Factory = _ => new QdrantClient("localhost");

                public void Configure(Action<QdrantClient> register, List<Func<Task>> jobs)
                {
                    var client = new QdrantClient("localhost");
                    register(client);

                    var http = new HttpClient();
                    jobs.Add(() => http.GetStringAsync("http://localhost/ping"));
                }
            }
            """);

    [Fact]
    public Task Static_constructors_and_field_initializers_are_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Catalog
            {
                private static readonly string[] Collections;
                private readonly HttpClient _http = new HttpClient();

                static Catalog()
                {
                    using var client = new QdrantClient("localhost");
                    Collections = client.ListCollectionsAsync().GetAwaiter().GetResult().ToArray();
                }
            }
            """);

    [Fact]
    public Task Per_tenant_client_reused_for_all_its_batches_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed record TenantBatches(string Host, IReadOnlyList<PointStruct[]> Batches);

            public sealed class MultiTenantImporter
            {
                public async Task ImportAsync(IEnumerable<TenantBatches> tenants)
                {
                    foreach (var tenant in tenants)
                    {
                        using var client = new QdrantClient(tenant.Host);
                        foreach (var batch in tenant.Batches)
                        {
                            await client.UpsertAsync("documents", batch);
                        }
                    }
                }
            }
            """);

    [Fact]
    public Task A_type_merely_named_QdrantClient_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync("""
            public sealed class QdrantClient
            {
                public QdrantClient(string host) { }
                public void Dispose() { }
            }

            public sealed class Search
            {
                public void Run()
                {
                    var client = new QdrantClient("localhost");
                    client.Dispose();
                }
            }
            """);

    // ---------------------------------------------------------------- options

    [Fact]
    public Task Option_client_types_adds_a_team_client() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            namespace Contoso.Embeddings
            {
                public sealed class EmbeddingServiceClient : IDisposable
                {
                    public EmbeddingServiceClient(string endpoint) { }
                    public Task<float[]> EmbedAsync(string text) => Task.FromResult(new float[384]);
                    public void Dispose() { }
                }
            }

            public sealed class Retriever
            {
                public async Task<float[]> VectorizeAsync(string question)
                {
                    using var embeddings = {|#0:new Contoso.Embeddings.EmbeddingServiceClient("http://embeddings:8080")|};
                    return await embeddings.EmbedAsync(question);
                }
            }
            """,
            "perftuner.PT0004.client_types = Contoso.Embeddings.EmbeddingServiceClient, Contoso.Missing.Type",
            Expected(0, "EmbeddingServiceClient", "per call of VectorizeAsync(string) and disposed at its end"));

    [Fact]
    public Task Without_the_option_a_team_client_is_not_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            namespace Contoso.Embeddings
            {
                public sealed class EmbeddingServiceClient : IDisposable
                {
                    public EmbeddingServiceClient(string endpoint) { }
                    public void Dispose() { }
                }
            }

            public sealed class Retriever
            {
                public void Vectorize()
                {
                    using var embeddings = new Contoso.Embeddings.EmbeddingServiceClient("http://embeddings:8080");
                }
            }
            """,
            "perftuner.PT0004.client_types = ;; , ");

    // ---------------------------------------------------------------- broken code never throws

    [Theory]
    [InlineData("public class C { public void M() { using var c = new QdrantClient(; } }")]
    [InlineData("public class C { public void M() { var c = new QdrantClient(\"x\").; } }")]
    [InlineData("public class C { public void M() { using var c = new HttpClient(undefinedHandler); c.Get } }")]
    [InlineData("public class C { public void M() { var ch = GrpcChannel.ForAddress(); } }")]
    [InlineData("public class C { public void M() { foreach (var x in ) { using var h = new HttpClient() } }")]
    [InlineData("public class C { public QdrantClient M() => new QdrantGrpcClient(new UnknownChannel()); }")]
    [InlineData("public class C { void M() { var c = new QdrantClient(host: ); c = ; c.Dispose(1); } }")]
    [InlineData("public class C { void M() { new MissingClient().Run(); using (var x = new QdrantClient(\"h\") { } } }")]
    [InlineData("public class C<T> where T : new() { void M() { using var t = new T(); var h = new HttpClient(new T()); } }")]
    [InlineData("class { void M() { GrpcChannel.ForAddress(\"a\", new GrpcChannelOptions { HttpHandler = }); }")]
    public Task Broken_code_never_throws(string body) =>
        VerifyPT0004.NeverThrowsAsync(Usings + body);

    [Fact]
    public Task Broken_code_with_configured_client_types_never_throws() =>
        VerifyPT0004.NeverThrowsAsync(Usings + "public class C { void M() { using var c = new C(; } }", "perftuner.PT0004.client_types = C, , System.Int32, ");

    [Fact]
    public async Task Broken_code_still_reports_the_clear_cases()
    {
        var diagnostics = await VerifyPT0004.GetAnalyzerDiagnosticsAsync(Usings + """
            public class C
            {
                public async Task M()
                {
                    using var http = new HttpClient();
                    await http.GetStringAsync(;
                }
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "PT0004");
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }
}
