using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using PerfTuner.CodeFixes;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>Every PT0001 .editorconfig option changes behaviour, and bad values fall back to the default.</summary>
public class PT0001OptionsTests
{
    private const string PendingStore = """
        using System.Collections.Generic;

        public sealed class ChunkStore
        {
            private readonly Dictionary<string, string> _chunkStore = new();
            private readonly Dictionary<string, float[]> _vectorCache = new();

            public void Save(string id, string chunk, float[] vector)
            {
                _chunkStore[id] = chunk;
                _vectorCache[id] = vector;
            }
        }
        """;

    [Fact]
    public async Task Default_cache_name_words_flag_only_the_field_named_cache()
    {
        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(PendingStore.Replace("_vectorCache = new", "{|PT0001:_vectorCache|} = new"));
    }

    [Fact]
    public async Task Cache_name_words_option_replaces_the_default_words()
    {
        var source = PendingStore.Replace("_chunkStore = new", "{|PT0001:_chunkStore|} = new");
        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(source, "perftuner.PT0001.cache_name_words = store, memo");
    }

    [Fact]
    public async Task Collection_types_option_adds_a_team_collection()
    {
        const string source = """
            using System.Collections.Generic;

            namespace Infra
            {
                public sealed class StripedMap<TKey, TValue> where TKey : notnull
                {
                    private readonly Dictionary<TKey, TValue> _inner = new();
                    public void Add(TKey key, TValue value) => _inner[key] = value;
                    public bool TryGet(TKey key, out TValue? value) => _inner.TryGetValue(key, out value);
                }
            }

            public static class Sessions
            {
                private static readonly Infra.StripedMap<string, string> s_sessions = new();

                public static void Open(string id, string user) => s_sessions.Add(id, user);
            }
            """;

        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(source);
        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(
            source.Replace("s_sessions = new", "{|PT0001:s_sessions|} = new"),
            "perftuner.PT0001.collection_types = Infra.StripedMap`2");
    }

    [Fact]
    public async Task Closed_key_types_option_silences_a_bounded_key_domain()
    {
        const string source = """
            using System.Collections.Concurrent;

            namespace Billing
            {
                public readonly record struct Region(string Code);

                public static class RegionEndpoints
                {
                    private static readonly ConcurrentDictionary<Region, string> s_endpoints = new();

                    public static string Endpoint(Region region) => s_endpoints.GetOrAdd(region, r => "https://" + r.Code + ".qdrant.example");
                }
            }
            """;

        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(source.Replace("s_endpoints = new", "{|PT0001:s_endpoints|} = new"));
        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(source, "perftuner.PT0001.closed_key_types = Billing.Region");
    }

    [Theory]
    [InlineData("perftuner.PT0001.size_limit = 0")]
    [InlineData("perftuner.PT0001.size_limit = lots")]
    public async Task Invalid_size_limit_falls_back_to_ten_thousand(string editorConfig)
    {
        const string source = """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Answers
            {
                private readonly MemoryCache _answers = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};

                public void Put(string question, string answer) => _answers.Set(question, answer);
            }
            """;
        const string fixedSource = """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Answers
            {
                private readonly MemoryCache _answers = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });

                public void Put(string question, string answer) => _answers.Set(question, answer, new MemoryCacheEntryOptions { Size = 1 });
            }
            """;

        await VerifyFix<UnboundedCacheAnalyzer, UnboundedCacheCodeFix>.CodeFixAsync(source, fixedSource, editorConfig);
    }

    [Fact]
    public async Task Small_size_limit_is_written_without_separators()
    {
        const string source = """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Answers
            {
                private readonly MemoryCache _answers = {|PT0001:new MemoryCache(new MemoryCacheOptions())|};
            }
            """;
        const string fixedSource = """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Answers
            {
                private readonly MemoryCache _answers = new MemoryCache(new MemoryCacheOptions { SizeLimit = 512 });
            }
            """;

        await VerifyFix<UnboundedCacheAnalyzer, UnboundedCacheCodeFix>.CodeFixAsync(source, fixedSource, "perftuner.PT0001.size_limit = 512");
    }
}
