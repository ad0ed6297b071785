using Microsoft.CodeAnalysis.Testing;
using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using PerfTuner.CodeFixes;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// The PT0001 fix sets SizeLimit and gives every insert a Size (a size-limited MemoryCache throws on entries without
/// one), and is offered only when the analyzer has seen every use of the cache.
/// </summary>
public class PT0001CodeFixTests
{
    [Fact]
    public async Task Fix_sets_SizeLimit_and_sizes_Set_GetOrCreate_and_expiring_inserts()
    {
        const string source = """
            using System;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Caching.Memory;

            public sealed class EmbeddingCache
            {
                private readonly IMemoryCache _vectors;

                public EmbeddingCache() => _vectors = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};

                public void Put(string text, float[] vector) => _vectors.Set(text, vector);

                public void PutForAWhile(string text, float[] vector) => _vectors.Set(text, vector, TimeSpan.FromMinutes(5));

                public void PutUntil(string text, float[] vector, DateTimeOffset until) => _vectors.Set(text, vector, until);

                public void PutWithPriority(string text, float[] vector) => _vectors.Set(text, vector, new MemoryCacheEntryOptions { Priority = CacheItemPriority.Low });

                public float[] Get(string text) => _vectors.GetOrCreate(text, entry => new float[384])!;

                public Task<float[]?> GetAsync(string text) => _vectors.GetOrCreateAsync(text, async entry =>
                {
                    await Task.Yield();
                    return new float[384];
                });

                public bool Has(string text) => _vectors.TryGetValue(text, out _);

                public void Forget(string text) => _vectors.Remove(text);
            }
            """;
        const string fixedSource = """
            using System;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Caching.Memory;

            public sealed class EmbeddingCache
            {
                private readonly IMemoryCache _vectors;

                public EmbeddingCache() => _vectors = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });

                public void Put(string text, float[] vector) => _vectors.Set(text, vector, new MemoryCacheEntryOptions { Size = 1 });

                public void PutForAWhile(string text, float[] vector) => _vectors.Set(text, vector, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5), Size = 1 });

                public void PutUntil(string text, float[] vector, DateTimeOffset until) => _vectors.Set(text, vector, new MemoryCacheEntryOptions { AbsoluteExpiration = until, Size = 1 });

                public void PutWithPriority(string text, float[] vector) => _vectors.Set(text, vector, new MemoryCacheEntryOptions { Priority = CacheItemPriority.Low, Size = 1 });

                public float[] Get(string text) => _vectors.GetOrCreate(text, entry =>
                {
                    entry.Size = 1;
                    return new float[384];
                })!;

                public Task<float[]?> GetAsync(string text) => _vectors.GetOrCreateAsync(text, async entry =>
                {
                    entry.Size = 1;
                    await Task.Yield();
                    return new float[384];
                });

                public bool Has(string text) => _vectors.TryGetValue(text, out _);

                public void Forget(string text) => _vectors.Remove(text);
            }
            """;

        await VerifyFix<UnboundedCacheAnalyzer, UnboundedCacheCodeFix>.CodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Fix_uses_the_size_limit_option_and_keeps_existing_options()
    {
        const string source = """
            using System;
            using Microsoft.Extensions.Caching.Memory;

            public sealed class SearchResults
            {
                private static readonly MemoryCache s_results = {|PT0001:new MemoryCache(new MemoryCacheOptions { ExpirationScanFrequency = TimeSpan.FromSeconds(30) })|};

                public static void Store(string query, ulong[] ids) => s_results.Set(query, ids, new MemoryCacheEntryOptions { Size = ids.Length });

                public static ulong[]? Find(string query) => s_results.Get<ulong[]>(query);
            }
            """;
        const string fixedSource = """
            using System;
            using Microsoft.Extensions.Caching.Memory;

            public sealed class SearchResults
            {
                private static readonly MemoryCache s_results = new MemoryCache(new MemoryCacheOptions { ExpirationScanFrequency = TimeSpan.FromSeconds(30), SizeLimit = 250_000 });

                public static void Store(string query, ulong[] ids) => s_results.Set(query, ids, new MemoryCacheEntryOptions { Size = ids.Length });

                public static ulong[]? Find(string query) => s_results.Get<ulong[]>(query);
            }
            """;

        await VerifyFix<UnboundedCacheAnalyzer, UnboundedCacheCodeFix>.CodeFixAsync(source, fixedSource, "perftuner.PT0001.size_limit = 250000");
    }

    [Fact]
    public async Task Fix_reaches_options_wrapped_in_Options_Create()
    {
        const string source = """
            using Microsoft.Extensions.Caching.Memory;
            using Microsoft.Extensions.Options;

            public sealed class ConversationMemory
            {
                private readonly IMemoryCache _turnCache = {|PT0001:new MemoryCache(Options.Create(new MemoryCacheOptions()))|};

                public string[] Turns(string conversationId) => _turnCache.GetOrCreate(conversationId, (ICacheEntry entry) => new string[0])!;
            }
            """;
        const string fixedSource = """
            using Microsoft.Extensions.Caching.Memory;
            using Microsoft.Extensions.Options;

            public sealed class ConversationMemory
            {
                private readonly IMemoryCache _turnCache = new MemoryCache(Options.Create(new MemoryCacheOptions { SizeLimit = 10_000 }));

                public string[] Turns(string conversationId) => _turnCache.GetOrCreate(conversationId, (ICacheEntry entry) =>
                {
                    entry.Size = 1;
                    return new string[0];
                })!;
            }
            """;

        await VerifyFix<UnboundedCacheAnalyzer, UnboundedCacheCodeFix>.CodeFixAsync(source, fixedSource);
    }

    [Fact]
    public async Task Fix_All_fixes_every_cache_in_the_document()
    {
        const string source = """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class RetrievalCaches
            {
                private readonly MemoryCache _embeddings = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};
                private readonly MemoryCache _answers = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};

                public void Remember(string question, float[] vector, string answer)
                {
                    _embeddings.Set(question, vector);
                    _answers.Set(question, answer);
                }
            }
            """;
        const string fixedSource = """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class RetrievalCaches
            {
                private readonly MemoryCache _embeddings = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });
                private readonly MemoryCache _answers = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });

                public void Remember(string question, float[] vector, string answer)
                {
                    _embeddings.Set(question, vector, new MemoryCacheEntryOptions { Size = 1 });
                    _answers.Set(question, answer, new MemoryCacheEntryOptions { Size = 1 });
                }
            }
            """;

        await VerifyFix<UnboundedCacheAnalyzer, UnboundedCacheCodeFix>.FixAllAsync(source, fixedSource);
    }

    [Fact]
    public async Task No_fix_when_the_cache_escapes_or_entries_are_created_directly()
    {
        // Exposed through a property, or filled through CreateEntry: the fix cannot size every entry, so none is offered.
        const string source = """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Exposed
            {
                private readonly MemoryCache _cache = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};

                public IMemoryCache Cache => _cache;
            }

            public sealed class Direct
            {
                private readonly MemoryCache _cache = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};

                public void Put(string key, string value)
                {
                    using var entry = _cache.CreateEntry(key);
                    entry.Value = value;
                }
            }

            public static class Registration
            {
                public static IMemoryCache Build() => {|PT0001:new MemoryCache(new MemoryCacheOptions())|};
            }

            public sealed class ExplicitNull
            {
                private readonly MemoryCache _cache = {|PT0001:new MemoryCache(new MemoryCacheOptions { SizeLimit = null })|};

                public void Put(string key, string value) => _cache.Set(key, value);
            }

            public sealed class ChangeTokens
            {
                private readonly MemoryCache _cache = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};

                public void Put(string key, string value, Microsoft.Extensions.Primitives.IChangeToken token) => _cache.Set(key, value, token);
            }
            """;

        await VerifyFix<UnboundedCacheAnalyzer, UnboundedCacheCodeFix>.CodeFixAsync(source, source);
    }

    [Fact]
    public async Task Keyed_collection_fields_get_no_fix()
    {
        const string source = """
            using System.Collections.Concurrent;

            public static class Memo
            {
                private static readonly ConcurrentDictionary<string, int> {|PT0001:s_lengths|} = new();

                public static int Length(string text) => s_lengths.GetOrAdd(text, t => t.Length);
            }
            """;

        await VerifyFix<UnboundedCacheAnalyzer, UnboundedCacheCodeFix>.CodeFixAsync(source, source);
    }
}
