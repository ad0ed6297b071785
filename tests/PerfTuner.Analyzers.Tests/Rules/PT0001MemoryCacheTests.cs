using Microsoft.CodeAnalysis.Testing;
using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0001 on <c>new MemoryCache(options)</c>: options followed to the object that should carry a SizeLimit.</summary>
public class PT0001MemoryCacheTests
{
    private static Task Verify(string source) => Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(source);

    // ---- positive -----------------------------------------------------------------------------------------

    [Fact]
    public async Task MemoryCache_without_SizeLimit_in_a_field_is_reported_with_the_field_name()
    {
        await Verify<UnboundedCacheAnalyzer>.AnalyzerAsync(
            """
            using Microsoft.Extensions.Caching.Memory;

            public sealed class EmbeddingCache
            {
                private readonly MemoryCache _vectors = {|#0:new MemoryCache(new MemoryCacheOptions())|};

                public float[] Get(string text) => _vectors.GetOrCreate(text, _ => new float[384])!;

                public void Evict(string text) => _vectors.Remove(text);
            }
            """,
            Verify<UnboundedCacheAnalyzer>.Diagnostic("PT0001").WithLocation(0)
                .WithArguments("_vectors", "is a MemoryCache without SizeLimit, so nothing bounds how many entries it holds")
                .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
    }

    [Fact]
    public async Task MemoryCache_with_options_setting_only_expiration_scan_is_reported()
    {
        await Verify("""
            using System;
            using Microsoft.Extensions.Caching.Memory;

            public static class SearchCache
            {
                private static readonly IMemoryCache s_results = {|PT0001:new MemoryCache(new MemoryCacheOptions { ExpirationScanFrequency = TimeSpan.FromMinutes(1) })|};

                public static string[]? Find(string query) => s_results.Get<string[]>(query);

                public static void Store(string query, string[] ids) => s_results.Set(query, ids, TimeSpan.FromMinutes(10));
            }
            """);
    }

    [Fact]
    public async Task MemoryCache_built_through_Options_Create_and_a_local_is_reported()
    {
        await Verify("""
            using Microsoft.Extensions.Caching.Memory;
            using Microsoft.Extensions.Options;

            public static class Caches
            {
                public static IMemoryCache ForConversations() => {|PT0001:new MemoryCache(Options.Create(new MemoryCacheOptions()))|};

                public static IMemoryCache ForPrompts()
                {
                    var options = new MemoryCacheOptions { CompactionPercentage = 0.2 };
                    var prompts = {|PT0001:new MemoryCache(options)|};
                    return prompts;
                }
            }
            """);
    }

    [Fact]
    public async Task MemoryCache_options_from_a_static_readonly_field_without_SizeLimit_is_reported()
    {
        await Verify("""
            using Microsoft.Extensions.Caching.Memory;

            public sealed class PayloadCache
            {
                private static readonly MemoryCacheOptions s_options = new() { TrackStatistics = true };
                private readonly MemoryCache _payloads = {|PT0001:new MemoryCache(s_options)|};

                public object? Get(ulong id) => _payloads.Get(id);
            }
            """);
    }

    [Fact]
    public async Task MemoryCache_with_SizeLimit_set_to_null_is_reported()
    {
        await Verify("""
            using Microsoft.Extensions.Caching.Memory;

            public sealed class RerankCache
            {
                private readonly MemoryCache _scores = {|PT0001:new MemoryCache(new MemoryCacheOptions { SizeLimit = null })|};
            }
            """);
    }

    // ---- negative -----------------------------------------------------------------------------------------

    [Fact]
    public async Task MemoryCache_with_SizeLimit_is_silent()
    {
        await Verify("""
            using Microsoft.Extensions.Caching.Memory;
            using Microsoft.Extensions.Options;

            public sealed class BoundedCaches
            {
                private const long Entries = 10_000;
                private static readonly MemoryCacheOptions s_options = new() { SizeLimit = Entries };
                private readonly MemoryCache _a = new(new MemoryCacheOptions { SizeLimit = 1024 });
                private readonly MemoryCache _b = new MemoryCache(Options.Create(new MemoryCacheOptions { SizeLimit = 64 * 1024 * 1024 }));
                private readonly MemoryCache _c = new MemoryCache(s_options);
            }
            """);
    }

    [Fact]
    public async Task MemoryCache_options_from_IOptions_or_DI_are_silent()
    {
        await Verify("""
            using Microsoft.Extensions.Caching.Memory;
            using Microsoft.Extensions.Options;

            public sealed class FromConfiguration(IOptions<MemoryCacheOptions> configured, MemoryCacheOptions injected)
            {
                private readonly MemoryCache _fromOptions = new MemoryCache(configured);
                private readonly MemoryCache _fromValue = new MemoryCache(Options.Create(configured.Value));
                private readonly MemoryCache _fromInjected = new MemoryCache(injected);
            }
            """);
    }

    [Fact]
    public async Task MemoryCache_options_configured_after_creation_or_by_a_callback_are_silent()
    {
        await Verify("""
            using System;
            using Microsoft.Extensions.Caching.Memory;

            public static class CacheFactory
            {
                public static MemoryCache Sized(long entries)
                {
                    var options = new MemoryCacheOptions();
                    options.SizeLimit = entries;
                    return new MemoryCache(options);
                }

                public static MemoryCache Configured(Action<MemoryCacheOptions> configure)
                {
                    var options = new MemoryCacheOptions();
                    configure(options);
                    return new MemoryCache(options);
                }
            }
            """);
    }

    [Fact]
    public async Task Options_field_configured_in_the_static_constructor_is_silent()
    {
        await Verify("""
            using Microsoft.Extensions.Caching.Memory;

            public static class Shared
            {
                private static readonly MemoryCacheOptions s_options = new();

                static Shared() => s_options.SizeLimit = 50_000;

                public static readonly MemoryCache Vectors = new MemoryCache(s_options);
            }
            """);
    }
}
