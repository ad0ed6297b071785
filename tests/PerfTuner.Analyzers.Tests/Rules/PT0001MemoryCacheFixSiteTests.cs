using Microsoft.CodeAnalysis;
using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// The fix-site data PT0001 passes to its code fix for <c>new MemoryCache(...)</c> (the FixSites property and one
/// additional location per site after the options object). A type holding the cache in a private MemoryCache or
/// IMemoryCache field has its sites computed from the field references the driver produces; everything else, and
/// any type where those references do not account for every mention of the field, by the semantic-model search.
/// Both routes must give the same answer, which these cases pin down.
/// </summary>
public class PT0001MemoryCacheFixSiteTests
{
    private static async Task<Diagnostic[]> Diagnostics(string source)
    {
        var diagnostics = await Verify<UnboundedCacheAnalyzer>.GetAnalyzerDiagnosticsAsync(source);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics.Where(d => d.Id == "PT0001").OrderBy(d => d.Location.SourceSpan.Start).ToArray();
    }

    private static string? FixSites(Diagnostic diagnostic) =>
        diagnostic.Properties.TryGetValue("FixSites", out var sites) ? sites : null;

    [Fact]
    public async Task Uses_in_every_kind_of_member_are_all_sites_in_source_order()
    {
        var diagnostics = await Diagnostics("""
            using System;
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Answers
            {
                private readonly IMemoryCache _answers;

                public Answers()
                {
                    _answers = new MemoryCache(new MemoryCacheOptions());
                    Warm = key => this._answers.Set(key, "warm", TimeSpan.FromMinutes(1));
                }

                public Action<string> Warm { get; }

                public string? Find(string key) => _answers.TryGetValue(key, out string? hit) ? hit : null;

                public void Store(string key, string value)
                {
                    this._answers.Set(key, value);
                    _answers.Set(key + "!", value, DateTimeOffset.UtcNow.AddDays(1));
                }

                public void Forget(string key) => _answers.Remove(key);
            }
            """);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("relative,append,absolute", FixSites(diagnostic));
        Assert.Equal(4, diagnostic.AdditionalLocations.Count); // the options object + three inserts
    }

    [Fact]
    public async Task A_local_named_like_the_field_does_not_hide_or_add_a_site()
    {
        var diagnostics = await Diagnostics("""
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Shadowed
            {
                private readonly MemoryCache _cache = new MemoryCache(new MemoryCacheOptions());

                public void Store(string key, string value) => _cache.Set(key, value);

                public int Other()
                {
                    var _cache = new int[3];
                    return _cache.Length;
                }
            }
            """);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("append", FixSites(diagnostic));
        Assert.Equal(2, diagnostic.AdditionalLocations.Count);
    }

    [Fact]
    public async Task A_nameof_mention_or_an_escaping_use_means_no_fix_for_that_cache_only()
    {
        var diagnostics = await Diagnostics("""
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Caches
            {
                private readonly MemoryCache _named = new MemoryCache(new MemoryCacheOptions());
                private readonly MemoryCache _escapes = new MemoryCache(new MemoryCacheOptions());
                private readonly MemoryCache _plain = new MemoryCache(new MemoryCacheOptions());

                public string Name => nameof(_named);

                public IMemoryCache Exposed => _escapes;

                public void Store(string key, string value)
                {
                    _named.Set(key, value);
                    _escapes.Set(key, value);
                    _plain.Set(key, value);
                }
            }
            """);

        Assert.Equal(3, diagnostics.Length);
        Assert.Null(FixSites(diagnostics[0]));
        Assert.Empty(diagnostics[0].AdditionalLocations);
        Assert.Null(FixSites(diagnostics[1]));
        Assert.Empty(diagnostics[1].AdditionalLocations);
        Assert.Equal("append", FixSites(diagnostics[2]));
        Assert.Equal(2, diagnostics[2].AdditionalLocations.Count);
    }

    [Fact]
    public async Task A_local_cache_in_a_type_with_a_cache_field_is_reported_without_a_fix()
    {
        var diagnostics = await Diagnostics("""
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Mixed
            {
                private readonly MemoryCache _bounded = new MemoryCache(new MemoryCacheOptions { SizeLimit = 100 });

                public int Scratch()
                {
                    using var scratch = new MemoryCache(new MemoryCacheOptions());
                    scratch.Set("k", 1);
                    return _bounded.Count;
                }
            }
            """);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Contains("scratch", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Null(FixSites(diagnostic));
        Assert.Empty(diagnostic.AdditionalLocations);
    }

    [Fact]
    public async Task Uses_in_a_nested_type_count_as_sites()
    {
        var diagnostics = await Diagnostics("""
            using Microsoft.Extensions.Caching.Memory;

            public static class Outer
            {
                private static readonly MemoryCache s_cache = new MemoryCache(new MemoryCacheOptions());

                public static void Store(string key, string value) => s_cache.Set(key, value);

                public static class Inner
                {
                    public static void Store(string key, string value) => Outer.s_cache.Set(key, value);
                }
            }

            public static class OuterThatLeaks
            {
                private static readonly MemoryCache s_cache = new MemoryCache(new MemoryCacheOptions());

                public static void Store(string key, string value) => s_cache.Set(key, value);

                public static class Inner
                {
                    public static IMemoryCache Leak() => s_cache;
                }
            }
            """);

        Assert.Equal(2, diagnostics.Length);
        Assert.Equal("append,append", FixSites(diagnostics[0]));
        Assert.Equal(3, diagnostics[0].AdditionalLocations.Count);
        Assert.Null(FixSites(diagnostics[1]));
    }
}
