using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0001 on keyed collections held in fields: realistic caches that grow forever, and the bounded or closed ones that must stay silent.</summary>
public class PT0001UnboundedCacheTests
{
    private static Task Verify(string source) => Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(source);

    // ---- positive -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Static_embedding_cache_keyed_by_text_is_reported_with_the_growing_method()
    {
        const string source = """
            using System.Collections.Concurrent;
            using System.Threading.Tasks;

            public interface IEmbedder { Task<float[]> EmbedAsync(string text); }

            public sealed class EmbeddingService(IEmbedder embedder)
            {
                private static readonly ConcurrentDictionary<string, float[]> {|#0:EmbeddingCache|} = new();

                public async Task<float[]> Embed(string text)
                {
                    if (EmbeddingCache.TryGetValue(text, out var cached))
                    {
                        return cached;
                    }

                    var vector = await embedder.EmbedAsync(text);
                    EmbeddingCache[text] = vector;
                    return vector;
                }
            }
            """;

        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(
            source,
            Verify<UnboundedCacheAnalyzer>.Diagnostic("PT0001").WithLocation(0)
                .WithArguments("EmbeddingCache", "grows in Embed(string) and is never evicted")
                .WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
    }

    [Fact]
    public async Task Instance_search_result_cache_filled_with_GetOrAdd_is_reported()
    {
        await Verify("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;

            public sealed record SearchHit(ulong Id, float Score);

            public sealed class SearchResultCache
            {
                private readonly ConcurrentDictionary<string, IReadOnlyList<SearchHit>> {|PT0001:_resultCache|} = new();

                public IReadOnlyList<SearchHit> Search(string query, System.Func<string, IReadOnlyList<SearchHit>> run) =>
                    _resultCache.GetOrAdd(query, run);
            }
            """);
    }

    [Fact]
    public async Task Conversation_memory_store_appending_per_conversation_is_reported()
    {
        await Verify("""
            using System;
            using System.Collections.Generic;

            public sealed record ChatTurn(string Role, string Text);

            public sealed class ConversationMemory
            {
                private readonly Dictionary<Guid, List<ChatTurn>> {|PT0001:_memory|} = new();
                private readonly object _gate = new();

                public void Append(Guid conversationId, ChatTurn turn)
                {
                    lock (_gate)
                    {
                        if (!_memory.TryGetValue(conversationId, out var turns))
                        {
                            turns = new List<ChatTurn>();
                            _memory.Add(conversationId, turns);
                        }

                        turns.Add(turn);
                    }
                }

                public IReadOnlyList<ChatTurn> History(Guid conversationId) =>
                    _memory.TryGetValue(conversationId, out var turns) ? turns : Array.Empty<ChatTurn>();
            }
            """);
    }

    [Fact]
    public async Task Tokenizer_memo_table_is_reported()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class BpeTokenizer
            {
                private readonly Dictionary<string, int[]> {|PT0001:_memo|} = new(System.StringComparer.Ordinal);

                public int[] Encode(string word)
                {
                    if (_memo.TryGetValue(word, out var ids))
                    {
                        return ids;
                    }

                    ids = Merge(word);
                    _memo[word] = ids;
                    return ids;
                }

                private static int[] Merge(string word) => new int[word.Length];
            }
            """);
    }

    [Fact]
    public async Task Static_seen_set_of_point_ids_is_reported()
    {
        await Verify("""
            using System.Collections.Generic;

            public static class Deduplicator
            {
                private static readonly HashSet<string> {|PT0001:s_seenDocumentIds|} = new();

                public static bool IsNew(string documentId) => s_seenDocumentIds.Add(documentId);
            }
            """);
    }

    [Fact]
    public async Task Hashtable_cache_filled_through_its_indexer_is_reported()
    {
        await Verify("""
            using System.Collections;

            public static class LegacyQueryCache
            {
                private static readonly Hashtable {|PT0001:s_plans|} = new Hashtable();

                public static object Plan(string sql)
                {
                    var plan = s_plans[sql];
                    if (plan == null)
                    {
                        plan = sql.ToUpperInvariant();
                        s_plans[sql] = plan;
                    }

                    return plan;
                }
            }
            """);
    }

    [Fact]
    public async Task SortedDictionary_grown_through_the_TryAdd_extension_is_reported()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class FacetCounts
            {
                private readonly IDictionary<string, SortedDictionary<string, int>> _facetCache = new SortedDictionary<string, SortedDictionary<string, int>>();
                private static readonly SortedDictionary<string, int> {|PT0001:s_facetOrder|} = new();

                public void Seen(string facet) => s_facetOrder.TryAdd(facet, s_facetOrder.Count + 1);

                public int Position(string facet) => s_facetOrder.GetValueOrDefault(facet);
            }
            """);
    }

    [Fact]
    public async Task Cache_growing_in_two_methods_names_both()
    {
        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(
            """
            using System.Collections.Concurrent;
            using System.Collections.Generic;

            public sealed class TenantStats
            {
                private static readonly ConcurrentDictionary<string, long> {|#0:s_hitsByTenant|} = new();

                public void Hit(string tenant) => s_hitsByTenant.AddOrUpdate(tenant, 1, (_, n) => n + 1);

                public void Seed(string tenant) => s_hitsByTenant.TryAdd(tenant, 0);
            }
            """,
            Verify<UnboundedCacheAnalyzer>.Diagnostic("PT0001").WithLocation(0)
                .WithArguments("s_hitsByTenant", "grows in Hit(string) and Seed(string) and is never evicted")
                .WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
    }

    [Fact]
    public async Task Cache_grown_in_a_lambda_registered_in_the_constructor_is_reported()
    {
        await Verify("""
            using System;
            using System.Collections.Generic;

            public sealed class PayloadIndex
            {
                private readonly Dictionary<ulong, string> {|PT0001:_payloadCache|} = new();

                public PayloadIndex(IObservable<(ulong Id, string Payload)> updates)
                {
                    updates.Subscribe(new Observer(u => _payloadCache[u.Id] = u.Payload));
                }

                private sealed class Observer(Action<(ulong Id, string Payload)> onNext) : IObserver<(ulong Id, string Payload)>
                {
                    public void OnCompleted() { }
                    public void OnError(Exception error) { }
                    public void OnNext((ulong Id, string Payload) value) => onNext(value);
                }
            }
            """);
    }

    [Fact]
    public async Task Cache_grown_through_null_conditional_access_is_reported()
    {
        await Verify("""
            using System.Collections.Concurrent;

            public sealed class RerankerScores
            {
                private ConcurrentDictionary<(string Query, ulong PointId), float>? {|PT0001:_scoreCache|};

                public void Enable() => _scoreCache ??= new();

                public void Record(string query, ulong pointId, float score) => _scoreCache?.TryAdd((query, pointId), score);
            }
            """);
    }

    [Fact]
    public async Task Static_cache_grown_in_an_instance_constructor_is_reported()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class CollectionHandle
            {
                private static readonly Dictionary<string, CollectionHandle> {|PT0001:s_handles|} = new();

                public CollectionHandle(string collectionName)
                {
                    Name = collectionName;
                    s_handles[collectionName] = this;
                }

                public string Name { get; }
            }
            """);
    }

    [Fact]
    public async Task Cache_in_a_partial_class_grown_in_another_part_is_reported()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed partial class PromptCache
            {
                private static readonly Dictionary<string, string> {|PT0001:s_renderedPrompts|} = new();
            }

            public sealed partial class PromptCache
            {
                public string Render(string template, string question)
                {
                    var key = template + "\n" + question;
                    if (!s_renderedPrompts.TryGetValue(key, out var prompt))
                    {
                        prompt = template.Replace("{q}", question);
                        s_renderedPrompts.Add(key, prompt);
                    }

                    return prompt;
                }
            }
            """);
    }

    [Fact]
    public async Task Cache_a_nested_type_touches_is_silent_because_the_nested_scope_is_not_visible()
    {
        // The nested Janitor evicts; the outer type's analysis cannot see nested code, so any mention keeps it silent.
        await Verify("""
            using System.Collections.Generic;

            public sealed class QueryPlanner
            {
                private static readonly Dictionary<string, string[]> s_planCache = new();

                public string[] Plan(string query) => s_planCache[query] = query.Split(' ');

                public sealed class Janitor
                {
                    public void Sweep() => s_planCache.Clear();
                }
            }
            """);
    }

    [Fact]
    public async Task Cache_in_a_type_with_unrelated_nested_types_is_reported()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class QueryPlanner
            {
                private static readonly Dictionary<string, Plan> {|PT0001:s_planCache|} = new();

                public Plan For(string query) => s_planCache.TryGetValue(query, out var plan) ? plan : s_planCache[query] = new Plan(query.Split(' '));

                public sealed record Plan(string[] Terms);
            }
            """);
    }

    [Fact]
    public async Task Cache_grown_with_CollectionsMarshal_is_reported()
    {
        await Verify("""
            using System.Collections.Generic;
            using System.Runtime.InteropServices;

            public static class TermFrequencies
            {
                private static readonly Dictionary<string, int> {|PT0001:s_termCache|} = new();

                public static void Count(string term)
                {
                    ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(s_termCache, term, out _);
                    count++;
                }
            }
            """);
    }

    [Fact]
    public async Task Count_compared_with_zero_is_not_a_size_guard()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class SparseVectorizer
            {
                private static readonly Dictionary<string, int> {|PT0001:s_vocabulary|} = new();

                public int IdOf(string token)
                {
                    if (s_vocabulary.Count == 0)
                    {
                        System.Console.WriteLine("first token");
                    }

                    if (!s_vocabulary.TryGetValue(token, out var id))
                    {
                        id = s_vocabulary.Count;
                        s_vocabulary[token] = id;
                    }

                    return id;
                }
            }
            """);
    }

    // ---- negative -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Reflection_cache_keyed_by_Type_is_silent()
    {
        await Verify("""
            using System;
            using System.Collections.Concurrent;
            using System.Reflection;

            public static class PayloadMapper
            {
                private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();
                private static readonly ConcurrentDictionary<(Type, string), PropertyInfo?> s_byName = new();
                private static readonly ConcurrentDictionary<MethodInfo, string> s_methodNames = new();

                public static PropertyInfo[] PropertiesOf(Type type) => s_properties.GetOrAdd(type, t => t.GetProperties());

                public static PropertyInfo? Property(Type type, string name) => s_byName.GetOrAdd((type, name), k => k.Item1.GetProperty(k.Item2));

                public static string Name(MethodInfo method) => s_methodNames.GetOrAdd(method, m => m.Name);
            }
            """);
    }

    [Fact]
    public async Task Enum_and_bool_keyed_tables_are_silent()
    {
        await Verify("""
            using System.Collections.Generic;

            public enum Distance { Cosine, Dot, Euclid }

            public static class DistanceLabels
            {
                private static readonly Dictionary<Distance, string> s_labels = new();
                private static readonly Dictionary<bool, string> s_flags = new();

                public static string Label(Distance distance)
                {
                    if (!s_labels.TryGetValue(distance, out var label))
                    {
                        label = distance.ToString().ToLowerInvariant();
                        s_labels[distance] = label;
                    }

                    return label;
                }

                public static string Flag(bool on) => s_flags.TryGetValue(on, out var s) ? s : s_flags[on] = on ? "yes" : "no";
            }
            """);
    }

    [Fact]
    public async Task Read_only_lookup_table_filled_in_the_static_constructor_is_silent()
    {
        await Verify("""
            using System.Collections.Generic;

            public static class StopWords
            {
                private static readonly HashSet<string> s_words = new(System.StringComparer.OrdinalIgnoreCase) { "a", "an", "the" };
                private static readonly Dictionary<string, string> s_aliases;

                static StopWords()
                {
                    s_aliases = new Dictionary<string, string>();
                    foreach (var line in new[] { "qdrant=vector-db", "hnsw=graph-index" })
                    {
                        var parts = line.Split('=');
                        s_aliases[parts[0]] = parts[1];
                    }
                }

                public static bool IsStopWord(string word) => s_words.Contains(word);

                public static string Alias(string term) => s_aliases.TryGetValue(term, out var alias) ? alias : term;
            }
            """);
    }

    [Fact]
    public async Task Lru_cache_with_eviction_is_silent()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class LruEmbeddingCache
            {
                private readonly int _capacity;
                private readonly Dictionary<string, LinkedListNode<(string Key, float[] Vector)>> _cache = new();
                private readonly LinkedList<(string Key, float[] Vector)> _order = new();

                public LruEmbeddingCache(int capacity) => _capacity = capacity;

                public void Put(string text, float[] vector)
                {
                    if (_cache.TryGetValue(text, out var node))
                    {
                        _order.Remove(node);
                    }
                    else if (_order.Last is { } oldest && _order.Count >= _capacity)
                    {
                        _order.RemoveLast();
                        _cache.Remove(oldest.Value.Key);
                    }

                    _cache[text] = _order.AddFirst((text, vector));
                }
            }
            """);
    }

    [Fact]
    public async Task Size_guarded_insert_is_silent()
    {
        await Verify("""
            using System.Collections.Concurrent;

            public sealed class QueryEmbeddingCache
            {
                private const int MaxEntries = 50_000;
                private readonly ConcurrentDictionary<string, float[]> _embeddingCache = new();

                public void Remember(string query, float[] vector)
                {
                    if (_embeddingCache.Count < MaxEntries)
                    {
                        _embeddingCache.TryAdd(query, vector);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Cache_cleared_by_a_timer_or_reset_is_silent()
    {
        await Verify("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;

            public sealed class CollectionInfoCache
            {
                private static readonly ConcurrentDictionary<string, int> s_dimensions = new();
                private static Dictionary<string, string> s_aliases = new();

                public static int Dimensions(string collection, System.Func<string, int> load) => s_dimensions.GetOrAdd(collection, load);

                public static void OnCollectionDeleted(string collection) => s_dimensions.TryRemove(collection, out _);

                public static void Alias(string alias, string collection) => s_aliases[alias] = collection;

                public static void ReloadAliases() => s_aliases = new Dictionary<string, string>();
            }
            """);
    }

    [Fact]
    public async Task Locals_are_silent()
    {
        await Verify("""
            using System.Collections.Generic;

            public static class Batches
            {
                public static Dictionary<string, int> CountTerms(IEnumerable<string> terms)
                {
                    var counts = new Dictionary<string, int>();
                    foreach (var term in terms)
                    {
                        counts[term] = counts.TryGetValue(term, out var n) ? n + 1 : 1;
                    }

                    return counts;
                }
            }
            """);
    }

    [Fact]
    public async Task ConditionalWeakTable_and_injected_IMemoryCache_are_silent()
    {
        await Verify("""
            using System.Runtime.CompilerServices;
            using Microsoft.Extensions.Caching.Memory;

            public sealed class VectorAnnotations(IMemoryCache cache)
            {
                private static readonly ConditionalWeakTable<float[], string> s_labels = new();

                public void Label(float[] vector, string label) => s_labels.AddOrUpdate(vector, label);

                public float[] Embed(string text) => cache.GetOrCreate(text, _ => new float[384])!;
            }
            """);
    }

    [Fact]
    public async Task Fields_visible_outside_the_type_are_silent()
    {
        await Verify("""
            using System.Collections.Concurrent;

            public class SharedCaches
            {
                public static readonly ConcurrentDictionary<string, float[]> Embeddings = new();
                internal static readonly ConcurrentDictionary<string, string> Prompts = new();
                protected readonly ConcurrentDictionary<string, int> _countCache = new();

                public void Add(string text, float[] vector)
                {
                    Embeddings[text] = vector;
                    Prompts[text] = text;
                    _countCache[text] = vector.Length;
                }
            }
            """);
    }

    [Fact]
    public async Task Cache_exposed_or_passed_out_is_silent()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class CacheJanitor { public void Watch(IDictionary<string, float[]> cache) { } }

            public sealed class ExposedEmbeddings
            {
                private static readonly Dictionary<string, float[]> s_exposed = new();
                private static readonly Dictionary<string, float[]> s_watched = new();

                public static IReadOnlyDictionary<string, float[]> Snapshot => s_exposed;

                public static void Register(CacheJanitor janitor) => janitor.Watch(s_watched);

                public static void Put(string text, float[] vector)
                {
                    s_exposed[text] = vector;
                    s_watched[text] = vector;
                }
            }
            """);
    }

    [Fact]
    public async Task Injected_dictionary_is_silent()
    {
        await Verify("""
            using System.Collections.Concurrent;

            public sealed class SessionStore(ConcurrentDictionary<string, string> sessionCache)
            {
                private readonly ConcurrentDictionary<string, string> _sessionCache = sessionCache;

                public void Save(string id, string state) => _sessionCache[id] = state;
            }
            """);
    }

    [Fact]
    public async Task Instance_field_not_named_like_a_cache_is_silent()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class UpsertBatch
            {
                private readonly Dictionary<ulong, float[]> _pending = new();

                public void Stage(ulong id, float[] vector) => _pending[id] = vector;

                public IReadOnlyDictionary<ulong, float[]> Pending => _pending;
            }
            """);
    }

    [Fact]
    public async Task Constant_keys_are_silent()
    {
        await Verify("""
            using System.Collections.Generic;

            public static class Defaults
            {
                private static readonly Dictionary<string, int> s_limits = new();

                public static void Configure()
                {
                    s_limits["search"] = 10;
                    s_limits["recommend"] = 20;
                    s_limits[nameof(Configure)] = 1;
                }

                public static int Limit(string operation) => s_limits.TryGetValue(operation, out var limit) ? limit : 10;
            }
            """);
    }

    [Fact]
    public async Task Evicting_through_an_interface_cast_or_extension_is_silent()
    {
        await Verify("""
            using System.Collections.Generic;
            using System.Linq;

            public sealed class TopicCache
            {
                private static readonly Dictionary<string, string[]> s_topicCache = new();
                private static readonly Dictionary<string, string> s_summaryCache = new();

                public void Put(string doc, string[] topics, string summary)
                {
                    s_topicCache[doc] = topics;
                    s_summaryCache[doc] = summary;
                }

                public void Forget(string doc)
                {
                    ((ICollection<KeyValuePair<string, string[]>>)s_topicCache).Remove(new KeyValuePair<string, string[]>(doc, s_topicCache[doc]));
                    s_summaryCache.Remove(doc, out _);
                }

                public int Total => s_topicCache.Values.Sum(t => t.Length);
            }
            """);
    }

    [Fact]
    public async Task Lazy_initialised_cache_with_a_size_check_pattern_is_silent()
    {
        await Verify("""
            using System.Collections.Generic;

            public sealed class HighlightCache
            {
                private Dictionary<string, string>? _highlightCache;

                public string Highlight(string text)
                {
                    if (_highlightCache == null)
                    {
                        _highlightCache = new Dictionary<string, string>();
                    }

                    if (_highlightCache.Count is >= 1_000)
                    {
                        return text;
                    }

                    return _highlightCache[text] = "<em>" + text + "</em>";
                }
            }
            """);
    }

    [Fact]
    public async Task Registry_filled_by_a_private_helper_that_only_the_static_constructor_calls_is_silent()
    {
        await Verify("""
            using System;
            using System.Collections.Generic;

            public static class DistanceFunctions
            {
                private static readonly Dictionary<string, Func<float[], float[], float>> s_functions = new(StringComparer.OrdinalIgnoreCase);

                static DistanceFunctions()
                {
                    Register("cosine", Cosine);
                    RegisterAliases();
                }

                private static void RegisterAliases()
                {
                    Register("cos", Cosine);
                }

                private static void Register(string name, Func<float[], float[], float> function) => s_functions[name] = function;

                private static float Cosine(float[] a, float[] b) => 0f;

                public static Func<float[], float[], float> Get(string name) => s_functions[name];
            }
            """);
    }

    [Fact]
    public async Task Private_helper_also_called_from_a_request_path_is_reported()
    {
        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(
            """
            using System.Collections.Generic;

            public sealed class ConversationTitles
            {
                private static readonly Dictionary<string, string> {|#0:s_titleCache|} = new();

                static ConversationTitles() => Remember("welcome", "Welcome");

                public string Title(string conversationId, string firstMessage)
                {
                    if (!s_titleCache.TryGetValue(conversationId, out var title))
                    {
                        title = firstMessage.Length > 40 ? firstMessage[..40] : firstMessage;
                        Remember(conversationId, title);
                    }

                    return title;
                }

                private static void Remember(string id, string title) => s_titleCache[id] = title;
            }
            """,
            Verify<UnboundedCacheAnalyzer>.Diagnostic("PT0001").WithLocation(0)
                .WithArguments("s_titleCache", "grows in Remember(string, string) and is never evicted")
                .WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations));
    }
}
