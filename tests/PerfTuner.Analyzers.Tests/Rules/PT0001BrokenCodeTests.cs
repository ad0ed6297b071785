using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0001 runs while code is being typed: it must never throw (AD0001) on broken or unusual code.</summary>
public class PT0001BrokenCodeTests
{
    public static TheoryData<string, string> BrokenSources() => new()
    {
        {
            "missing value type",
            """
            using System.Collections.Generic;
            class EmbeddingCache
            {
                private static readonly Dictionary<string, Missing> s_cache = new();
                void Put(string text) => s_cache[text] = new Missing();
            }
            """
        },
        {
            "half-written method",
            """
            using System.Collections.Concurrent;
            class Memo
            {
                private static readonly ConcurrentDictionary<string, int> s_memo = new();
                int Get(string key)
                {
                    s_memo.GetOrAdd(key,
                    if (s_memo.Count >
            """
        },
        {
            "error-typed collection field",
            """
            class SearchCache
            {
                private static readonly UnknownDictionary<string, float[]> s_results = new();
                void Put(string q, float[] v) { s_results[q] = v; s_results.Add(q, v); s_results.Remove(); }
            }
            """
        },
        {
            "recursive generics",
            """
            using System.Collections.Generic;
            abstract class Node<T> where T : Node<T>
            {
                private static readonly Dictionary<T, List<Node<T>>> s_cache = new();
                private static readonly Dictionary<(T, Node<Node<T>>), T> s_pairCache = new();
                public void Link(T key) { s_cache[key] = new List<Node<T>> { this }; s_pairCache[(key, null!)] = key; }
            }
            """
        },
        {
            "partial classes with duplicate members",
            """
            using System.Collections.Generic;
            partial class PromptCache { private static readonly Dictionary<string, string> s_prompts = new(); }
            partial class PromptCache { private static readonly Dictionary<string, string> s_prompts = new(); void Put(string k) => s_prompts[k] = k; }
            partial class PromptCache { void Clear() => s_prompts.
            """
        },
        {
            "top-level statements",
            """
            using System.Collections.Generic;
            using Microsoft.Extensions.Caching.Memory;
            var cache = new MemoryCache(new MemoryCacheOptions());
            var counts = new Dictionary<string, int>();
            foreach (var arg in args) { counts[arg] = 1; cache.Set(arg, arg); }
            Holder.Put(args[0]);
            static class Holder { private static readonly Dictionary<string, string> s_seen = new(); public static void Put(string k) => s_seen[k] = k; }
            """
        },
        {
            "MemoryCache with missing or broken options",
            """
            using Microsoft.Extensions.Caching.Memory;
            class Caches
            {
                private readonly MemoryCache _a = new MemoryCache();
                private readonly MemoryCache _b = new MemoryCache(new MemoryCacheOptions { SizeLimit = });
                private readonly MemoryCache _c = new MemoryCache(undeclared);
                private readonly MemoryCache _d = new MemoryCache(new MemoryCacheOptions { Unknown = 1 }, null, extra);
                void Use() { _a.Set(1, 2); _b.GetOrCreate(1, () => 1); _c.GetOrCreate(); }
            }
            """
        },
        {
            "cyclic readonly options fields",
            """
            using Microsoft.Extensions.Caching.Memory;
            static class Cycle
            {
                private static readonly MemoryCacheOptions s_a = s_b;
                private static readonly MemoryCacheOptions s_b = s_a;
                private static readonly MemoryCache s_cache = new MemoryCache(s_a);
                private static readonly MemoryCache s_self = new MemoryCache(s_self);
            }
            """
        },
        {
            "conditional access, nameof and nested types half written",
            """
            using System.Collections.Generic;
            class Conversations
            {
                private Dictionary<string, List<string>>? _memoryCache;
                void Add(string id) { _memoryCache?.; _memoryCache?[id] = new(); var n = nameof(_memoryCache); }
                class Inner { void X() => _memoryCache. }
            """
        },
        {
            "Count compared with values of the wrong type",
            """
            using System.Collections.Generic;
            static class Vocabulary
            {
                private static readonly Dictionary<string, int> s_ids = new();
                private static readonly HashSet<string> s_seen = new();
                public static void Add(string token)
                {
                    if (s_ids.Count == "none") s_ids[token] = 1;
                    if (s_seen.Count != null && s_seen.Count is "x" or > 10.5) s_seen.Add(token);
                    if (s_ids.Count == 0L && s_seen.Count() == 0m) s_ids.Add(token, s_ids.Count);
                }
            }
            """
        },
        {
            "code-fix shapes with wrong arity",
            """
            using System;
            using Microsoft.Extensions.Caching.Memory;
            class Entries
            {
                private readonly IMemoryCache _entryCache = new MemoryCache(new MemoryCacheOptions());
                void A() => _entryCache.Set();
                void B() => _entryCache.GetOrCreate("k", (a, b) => 1);
                void C() => CacheExtensions.Set(_entryCache, "k", 1, TimeSpan.Zero, 4);
                void D() => _entryCache = null;
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(BrokenSources))]
    public async Task Analyzer_never_throws_on_broken_code(string description, string source)
    {
        Assert.False(string.IsNullOrEmpty(description));
        await Verify<UnboundedCacheAnalyzer>.NeverThrowsAsync(source);
        await Verify<UnboundedCacheAnalyzer>.NeverThrowsAsync(source, "perftuner.PT0001.collection_types = ,;`\nperftuner.PT0001.closed_key_types = Not.A.Type\nperftuner.PT0001.cache_name_words = ,");
    }

    [Fact]
    public async Task Broken_code_still_reports_the_clear_cases()
    {
        // A missing type elsewhere in the file must not hide a clear unbounded cache.
        var diagnostics = await Verify<UnboundedCacheAnalyzer>.GetAnalyzerDiagnosticsAsync("""
            using System.Collections.Generic;
            class Tokenizer
            {
                private static readonly Dictionary<string, int[]> s_tokenCache = new();
                public int[] Encode(string word) => s_tokenCache[word] = Split(word);
                private static int[] Split(string word) => new Missing().Split(word);
            }
            """);

        var diagnostic = Assert.Single(diagnostics, d => d.Id == "PT0001");
        Assert.Equal("'s_tokenCache' grows in Encode(string) and is never evicted", diagnostic.GetMessage());
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }
}
