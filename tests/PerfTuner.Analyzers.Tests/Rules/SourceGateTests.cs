using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// The rules bind only the members whose source spells one of their words (SourceWords, SourceOperations). These
/// cases pin the places such a gate could miss and must not: aliases (file-local and global, in another file),
/// top-level statements, a partial type spread over two files, a name spelled with a unicode escape, field initializers
/// read from syntax, call chains followed by name, and creations that look returned or passed on but are not.
/// </summary>
public class SourceGateTests
{
    private static Task RunAsync<TAnalyzer>(OutputKind outputKind, params string[] sources)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new()
    {
        var test = new Verify<TAnalyzer>.AnalyzerTest(editorConfig: null);
        test.TestState.OutputKind = outputKind;
        for (var i = 0; i < sources.Length; i++)
        {
            test.TestState.Sources.Add(($"/File{i}.cs", sources[i]));
        }

        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(Microsoft.Extensions.Logging.ILoggerFactory).Assembly.Location));
        return test.RunAsync();
    }

    [Fact]
    public Task PT0004_sees_a_client_created_through_a_using_alias() =>
        RunAsync<ClientPerOperationAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Threading.Tasks;
            using Http = System.Net.Http.HttpClient;

            public sealed class Fetcher
            {
                public async Task<string> GetAsync(string url)
                {
                    using var client = {|PT0004:new Http()|};
                    return await client.GetStringAsync(url);
                }
            }
            """);

    [Fact]
    public Task PT0004_sees_a_client_created_through_a_global_alias_declared_in_another_file() =>
        RunAsync<ClientPerOperationAnalyzer>(
            OutputKind.DynamicallyLinkedLibrary,
            "global using Web = System.Net.Http.HttpClient;\n",
            """
            using System.Threading.Tasks;

            public sealed class Fetcher
            {
                public async Task<string> GetAsync(string url)
                {
                    using var client = {|PT0004:new Web()|};
                    return await client.GetStringAsync(url);
                }
            }
            """);

    [Fact]
    public Task PT0004_sees_a_target_typed_client_whose_type_is_named_only_in_the_signature() =>
        RunAsync<ClientPerOperationAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class Fetcher
            {
                public async Task<int> CountAsync(string[] urls)
                {
                    var total = 0;
                    foreach (var url in urls)
                    {
                        total += await LengthAsync(url);
                    }

                    return total;
                }

                private static async Task<int> LengthAsync(string url)
                {
                    using var client = Create();
                    return (await client.GetStringAsync(url)).Length;
                }

                private static HttpClient Create() => new();
            }
            """);

    [Fact]
    public Task PT0005_sees_a_leaked_permit_in_top_level_statements() =>
        RunAsync<SemaphoreMisuseAnalyzer>(OutputKind.ConsoleApplication, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            var gate = new SemaphoreSlim(1, 1);
            foreach (var delay in new[] { 10, 20 })
            {
                await {|PT0005:gate.WaitAsync()|};
                await Task.Delay(delay);
                gate.Release();
            }
            """);

    [Fact]
    public Task PT0001_reads_every_part_of_a_partial_type_across_files() =>
        RunAsync<UnboundedCacheAnalyzer>(
            OutputKind.DynamicallyLinkedLibrary,
            """
            using System.Collections.Generic;

            public sealed partial class LabelCache
            {
                private readonly Dictionary<string, string> _labelCache = new();

                public string Label(string key)
                {
                    if (!_labelCache.TryGetValue(key, out var label))
                    {
                        label = key.ToUpperInvariant();
                        _labelCache[key] = label;
                    }

                    return label;
                }
            }
            """,
            """
            public sealed partial class LabelCache
            {
                public void Reset() => _labelCache.Clear();
            }
            """);

    // A removal call read from syntax settles a candidate before anything is bound (CacheBoundingCalls). These calls
    // look like one on the field and are not: the receiver is a parameter, a lambda's parameter or another object.

    [Fact]
    public Task PT0001_reports_a_cache_when_the_removal_is_on_a_parameter_or_another_object_of_the_same_name() =>
        RunAsync<UnboundedCacheAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System;
            using System.Collections.Generic;

            public sealed class Scratch
            {
                public Dictionary<string, string> _labelCache = new();
            }

            public sealed class LabelCache
            {
                private readonly Dictionary<string, string> {|PT0001:_labelCache|} = new();

                public string Label(string key)
                {
                    if (!_labelCache.TryGetValue(key, out var label))
                    {
                        label = key.ToUpperInvariant();
                        _labelCache[key] = label;
                    }

                    return label;
                }

                public void Reset(Dictionary<string, string> _labelCache) => _labelCache.Clear();

                public void ResetAll(List<Dictionary<string, string>> caches) => caches.ForEach(_labelCache => _labelCache.Clear());

                public void ResetScratch(Scratch scratch) => scratch._labelCache.Remove("x");
            }
            """);

    [Fact]
    public Task PT0001_reports_a_partial_type_whose_other_file_never_evicts() =>
        RunAsync<UnboundedCacheAnalyzer>(
            OutputKind.DynamicallyLinkedLibrary,
            """
            using System.Collections.Generic;

            public sealed partial class LabelCache
            {
                private readonly Dictionary<string, string> {|PT0001:_labelCache|} = new();
            }
            """,
            """
            public sealed partial class LabelCache
            {
                public string Label(string key)
                {
                    if (!_labelCache.TryGetValue(key, out var label))
                    {
                        label = key.ToUpperInvariant();
                        _labelCache[key] = label;
                    }

                    return label;
                }
            }
            """);

    [Fact]
    public Task PT0001_reports_a_partial_type_whose_first_file_declares_no_field() =>
        RunAsync<UnboundedCacheAnalyzer>(
            OutputKind.DynamicallyLinkedLibrary,
            """
            public sealed partial class LabelCache
            {
                public string Label(string key)
                {
                    if (!_labelCache.TryGetValue(key, out var label))
                    {
                        label = key.ToUpperInvariant();
                        _labelCache[key] = label;
                    }

                    return label;
                }
            }
            """,
            """
            using System.Collections.Generic;

            public sealed partial class LabelCache
            {
                private readonly Dictionary<string, string> {|PT0001:_labelCache|} = new();
            }
            """);

    [Fact]
    public Task PT0003_sees_WhenAll_spelled_with_a_unicode_escape() =>
        RunAsync<UnboundedConcurrencyAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class Crawler(HttpClient http)
            {
                public Task<string[]> FetchAllAsync(IEnumerable<string> urls) =>
                    {|PT0003:Task.\u0057henAll|}(urls.Select(url => http.GetStringAsync(url)));
            }
            """);

    [Fact]
    public Task PT0003_sees_WaitAll_with_a_timeout_but_not_WhenAll_of_two_tasks() =>
        RunAsync<UnboundedConcurrencyAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class Crawler(HttpClient http)
            {
                public bool FetchAll(IEnumerable<string> urls) =>
                    {|PT0003:Task.WaitAll|}(urls.Select(url => http.GetStringAsync(url)).ToArray(), 30_000);

                public async Task<(string, string)> PairAsync(string a, string b)
                {
                    var first = http.GetStringAsync(a);
                    var second = http.GetStringAsync(b);
                    await Task.WhenAll(first, second);
                    return (first.Result, second.Result);
                }
            }
            """);

    // PT0004 binds a member only when it has a creation (`new`, or a ForAddress call) and, in a field initializer,
    // also a lambda: the cases below are the ones that syntax pre-check must keep.

    [Fact]
    public Task PT0004_sees_a_client_created_per_call_in_a_lambda_stored_in_a_field() =>
        RunAsync<ClientPerOperationAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System;
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class Hooks
            {
                private static readonly HttpClient Shared = new();

                private readonly Func<string, Task<string>> _fetch = async url =>
                {
                    using var http = {|PT0004:new HttpClient()|};
                    return await http.GetStringAsync(url);
                };

                public Task<string> FetchAsync(string url) => _fetch(url);

                public Task<string> SharedAsync(string url) => Shared.GetStringAsync(url);
            }
            """);

    [Fact]
    public Task PT0004_sees_ForAddress_spelled_with_a_unicode_escape() =>
        RunAsync<ClientPerOperationAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Threading.Tasks;
            using Grpc.Net.Client;

            public sealed class Probe
            {
                public string Target(string address)
                {
                    using var channel = {|PT0004:GrpcChannel.\u0046orAddress(address)|};
                    return channel.Target;
                }
            }
            """);

    // A member whose every creation is returned or passed on is not bound either (ClientPerOperationSyntax). These
    // look like that and are not: the value is dropped, or handed over as the receiver of an extension method.

    [Fact]
    public Task PT0004_sees_a_client_created_in_the_expression_body_of_a_void_or_async_Task_method() =>
        RunAsync<ClientPerOperationAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class Warmup
            {
                public void Touch() => {|PT0004:new HttpClient()|};

                public async Task TouchAsync() => {|PT0004:new HttpClient()|};

                public HttpClient Make() => new HttpClient();

                public async Task<HttpClient> MakeAsync() => new HttpClient();
            }
            """);

    [Fact]
    public Task PT0004_sees_a_client_dropped_by_a_lambda_converted_to_an_Action_in_a_method_or_a_field() =>
        RunAsync<ClientPerOperationAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System;
            using System.Net.Http;

            public sealed class Warmup
            {
                private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient());
                private readonly Action _warm = () => {|PT0004:new HttpClient()|};
                private readonly Progress<int> _progress = new(_ => {|PT0004:new HttpClient()|});

                public void Run()
                {
                    Action touch = () => {|PT0004:new HttpClient()|};
                    touch();
                    Func<HttpClient> make = () => new HttpClient();
                    make().Dispose();
                    _warm();
                }
            }
            """);

    [Fact]
    public Task PT0004_sees_a_client_handed_to_an_extension_method_called_in_static_form() =>
        RunAsync<ClientPerOperationAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Net.Http;
            using System.Threading.Tasks;

            public static class HttpClientExtensions
            {
                public static Task<string> FetchAsync(this HttpClient client, string url) => client.GetStringAsync(url);
            }

            public sealed class Fetcher
            {
                public Task<string> GetAsync(string url) =>
                    HttpClientExtensions.FetchAsync({|PT0004:new HttpClient()|}, url);
            }
            """);

    [Fact]
    public Task PT0004_sees_a_channel_wrapped_by_a_generated_client_that_is_dropped_but_not_one_that_is_returned() =>
        RunAsync<ClientPerOperationAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Threading.Tasks;
            using Grpc.Net.Client;
            using Qdrant.Client.Grpc;

            public sealed class Probe
            {
                public async Task<ulong> CountAsync(string address)
                {
                    var points = new Points.PointsClient({|PT0004:GrpcChannel.ForAddress(address)|});
                    var reply = await points.CountAsync(new CountPoints { CollectionName = "docs" });
                    return reply.Result.Count;
                }

                public Points.PointsClient Open(string address) => new Points.PointsClient(GrpcChannel.ForAddress(address));
            }
            """);

    // A member whose every wait is released in a protecting finally is read from syntax (SemaphoreSafeMembers): its
    // releases still count for the type's other waits. These members look like that and are not: the semaphore is a
    // parameter or another object's field of the same name, or the finally releases another semaphore.

    [Fact]
    public Task PT0005_reads_only_the_type_s_own_field_from_syntax_and_only_when_the_finally_releases_that_field() =>
        RunAsync<SemaphoreMisuseAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Worker
            {
                public SemaphoreSlim _gate = new(1);
            }

            public sealed class Pipeline
            {
                private readonly SemaphoreSlim _gate = new(1);
                private readonly SemaphoreSlim _other = new(1);

                public async Task EnterAsync() => await {|PT0005:_gate.WaitAsync()|};

                public async Task RunAsync(SemaphoreSlim _gate)
                {
                    await _gate.WaitAsync();
                    try { await Task.Yield(); } finally { _gate.Release(); }
                }

                public async Task HelpAsync(Worker other)
                {
                    await other._gate.WaitAsync();
                    try { await Task.Yield(); } finally { other._gate.Release(); }
                }

                public async Task MixAsync()
                {
                    await {|PT0005:_gate.WaitAsync()|};
                    try { await Task.Yield(); } finally { _other.Release(); }
                }
            }
            """);

    [Fact]
    public Task PT0005_stays_silent_when_a_member_that_names_only_the_field_hands_the_semaphore_out() =>
        RunAsync<SemaphoreMisuseAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System;
            using System.Threading;
            using System.Threading.Tasks;

            public sealed class Gate
            {
                private readonly SemaphoreSlim _permits = new(4);

                // Callers may release it themselves: the rule cannot see every release, so it says nothing.
                public object Handle => _permits;

                public async Task EnterAsync(CancellationToken ct)
                {
                    await _permits.WaitAsync(ct);
                    Console.WriteLine("entered");
                }
            }
            """);

    [Fact]
    public Task PT0001_reads_a_cast_or_parenthesized_new_initializer_without_binding_it() =>
        Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(
            """
            using System.Collections.Generic;

            public static class TitleMemo
            {
                private static readonly IDictionary<string, string> {|#0:s_titleCache|} = ((IDictionary<string, string>)new Dictionary<string, string>())!;

                public static void Remember(string id, string title) => s_titleCache[id] = title;
            }
            """,
            Verify<UnboundedCacheAnalyzer>.Diagnostic("PT0001").WithLocation(0)
                .WithArguments("s_titleCache", "grows in Remember(string, string) and is never evicted")
                .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task PT0001_stays_silent_for_a_field_that_names_only_itself_and_holds_a_shared_instance() =>
        Verify<UnboundedCacheAnalyzer>.AnalyzerAsync("""
            using System.Collections.Concurrent;

            public static class SharedCaches
            {
                public static ConcurrentDictionary<string, float[]> Embeddings { get; } = new();
            }

            public sealed class EmbeddingLookup
            {
                // Its owner bounds it; this type only writes to it.
                private static readonly ConcurrentDictionary<string, float[]> s_embeddingCache = SharedCaches.Embeddings;

                public void Put(string text, float[] vector) => s_embeddingCache[text] = vector;
            }
            """);

    [Fact]
    public Task PT0001_follows_an_init_only_chain_through_a_helper_that_never_names_the_cache() =>
        Verify<UnboundedCacheAnalyzer>.AnalyzerAsync("""
            using System.Collections.Generic;

            public static class Tokenizers
            {
                private static readonly Dictionary<string, int> s_vocabularyCache = new();

                static Tokenizers() => Seed();

                // Names no cache: only the chain Seed -> AddAll -> Put says the cache is filled once.
                private static void Seed() => AddAll(new[] { "a", "b" });

                private static void AddAll(string[] words)
                {
                    foreach (var word in words)
                    {
                        Put(word);
                    }
                }

                private static void Put(string word) => s_vocabularyCache[word] = word.Length;

                private static int Unrelated(int x) => x + 1;

                public static int Id(string word) => Unrelated(s_vocabularyCache[word]);
            }
            """);

    [Fact]
    public Task PT0001_reports_when_a_helper_of_the_chain_is_also_called_on_the_request_path() =>
        Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(
            """
            using System.Collections.Generic;

            public sealed class Tokenizer
            {
                private static readonly Dictionary<string, int> {|#0:s_vocabularyCache|} = new();

                static Tokenizer() => Seed(new[] { "a", "b" });

                private static void Seed(string[] words)
                {
                    foreach (var word in words)
                    {
                        Put(word);
                    }
                }

                private static void Put(string word) => s_vocabularyCache[word] = word.Length;

                public void Learn(string[] words) => Seed(words);
            }
            """,
            Verify<UnboundedCacheAnalyzer>.Diagnostic("PT0001").WithLocation(0)
                .WithArguments("s_vocabularyCache", "grows in Put(string) and is never evicted")
                .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));

    [Fact]
    public Task PT0005_reads_a_signal_created_in_place_without_binding_it() =>
        RunAsync<SemaphoreMisuseAnalyzer>(OutputKind.DynamicallyLinkedLibrary, Latch("new(0, 1)"));

    [Fact]
    public Task PT0005_binds_a_signal_whose_initial_count_is_a_named_constant() =>
        RunAsync<SemaphoreMisuseAnalyzer>(OutputKind.DynamicallyLinkedLibrary, Latch("new(Closed, 1)"));

    [Fact]
    public Task PT0005_still_reports_the_same_latch_built_as_a_throttle() =>
        RunAsync<SemaphoreMisuseAnalyzer>(OutputKind.DynamicallyLinkedLibrary, Latch("new(1, 1)", "{|PT0005:_ready.WaitAsync(ct)|}"));

    [Fact]
    public Task PT0005_binds_a_field_initialized_with_a_semaphore_someone_else_owns() =>
        RunAsync<SemaphoreMisuseAnalyzer>(OutputKind.DynamicallyLinkedLibrary, """
            using System.Threading;
            using System.Threading.Tasks;

            // The pool hands out the gate and releases it when the lease ends: this type only waits.
            public sealed class CollectionLease(SemaphoreSlim poolGate)
            {
                private readonly SemaphoreSlim _gate = poolGate;

                public async Task AcquireAsync(CancellationToken ct) => await _gate.WaitAsync(ct);
            }
            """);

    // PT0001 asks for a type's symbol only when a field declaration may be private and a cache: static or named like
    // one (collections), or of a type that spells MemoryCache. These fields pass that test without saying "private" or
    // "cache" where a reader would look for it.

    [Fact]
    public Task PT0001_tracks_a_memory_cache_field_whose_name_does_not_say_cache() =>
        Verify<UnboundedCacheAnalyzer>.AnalyzerAsync("""
            using Microsoft.Extensions.Caching.Memory;

            public sealed class RecentAnswers
            {
                private readonly IMemoryCache _recent;

                public RecentAnswers() => _recent = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};

                public void Remember(string question, string answer) => _recent.Set(question, answer);
            }
            """);

    [Fact]
    public Task PT0001_tracks_a_memory_cache_field_declared_through_an_alias() =>
        Verify<UnboundedCacheAnalyzer>.AnalyzerAsync("""
            using Microsoft.Extensions.Caching.Memory;
            using Entries = Microsoft.Extensions.Caching.Memory.MemoryCache;

            public sealed class RecentAnswers
            {
                private readonly Entries _recent = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};

                public void Remember(string question, string answer) => _recent.Set(question, answer);
            }
            """);

    [Fact]
    public Task PT0001_reads_the_cache_name_words_of_the_file_before_it_skips_a_type() =>
        Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(
            """
            using System.Collections.Generic;

            public sealed class AnswerLookup
            {
                private readonly Dictionary<string, string> {|PT0001:_answerStore|} = new();

                public void Remember(string question, string answer) => _answerStore[question] = answer;
            }
            """,
            "perftuner.PT0001.cache_name_words = store");

    [Fact]
    public Task PT0001_reads_a_static_field_of_a_struct_that_states_no_accessibility() =>
        Verify<UnboundedCacheAnalyzer>.AnalyzerAsync("""
            using System.Collections.Generic;

            public readonly struct TenantKey
            {
                static readonly Dictionary<string, TenantKey> {|PT0001:Interned|} = new();

                private readonly string _value;

                private TenantKey(string value) => _value = value;

                public static TenantKey For(string tenant)
                {
                    if (!Interned.TryGetValue(tenant, out var key))
                    {
                        key = new TenantKey(tenant);
                        Interned[tenant] = key;
                    }

                    return key;
                }
            }
            """);

    /// <summary>A readiness latch: waiters pass once the index is marked ready, each letting the next one through.</summary>
    private static string Latch(string creation, string wait = "_ready.WaitAsync(ct)") => $$"""
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class IndexReadiness
        {
            private const int Closed = 0;
            private readonly SemaphoreSlim _ready = {{creation}};
            private string? _indexName;

            public void MarkReady(string indexName)
            {
                _indexName = indexName;
                _ready.Release();
            }

            public async Task<string> WaitForIndexAsync(CancellationToken ct)
            {
                await {{wait}};
                var name = _indexName!.Trim();
                _ready.Release();
                return name;
            }
        }
        """;
}
