using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// PT0001 in and around generated code: the reports the analyzer driver's generated-code filter drops (<c>#line hidden</c>,
/// <c>[GeneratedCode]</c> on the member or a containing type) and the ones it keeps. These pin the behaviour the rule had
/// while the driver applied that filter, now that the rule applies it itself (the field of a keyed collection, a <c>new MemoryCache(...)</c>). A line marked <c>// reported</c>
/// is where a diagnostic is expected; no other line may have one. Each source starts with <c>#line default</c>: in a file
/// with a hidden region, code before the first <c>#line</c> directive also counts as hidden, which would hide the plain cases.
/// </summary>
public class PT0001GeneratedCodeTests
{
    private static async Task AssertReportedLines(string source)
    {
        var expected = source.Split('\n').Select((line, index) => (line, index)).Where(p => p.line.Contains("// reported", StringComparison.Ordinal)).Select(p => p.index).ToArray();
        var diagnostics = await Verify<UnboundedCacheAnalyzer>.GetAnalyzerDiagnosticsAsync(source);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        var actual = diagnostics.Where(d => d.Id == "PT0001").Select(d => d.Location.GetLineSpan().StartLinePosition.Line).OrderBy(l => l).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public Task Keyed_collection_fields_marked_generated_or_hidden_are_not_reported_and_a_plain_one_is() =>
        AssertReportedLines("""
            #line default
            using System.CodeDom.Compiler;
            using System.Collections.Generic;

            public static class Lookups
            {
                [GeneratedCode("tool", "1.0")]
                private static readonly Dictionary<string, int> s_generated = new();
            #line hidden
                private static readonly Dictionary<string, int> s_hidden = new();
            #line default
                private static readonly Dictionary<string, int> s_plain = new(); // reported

                public static void Add(string key, int value)
                {
                    s_generated[key] = value;
                    s_hidden[key] = value;
                    s_plain[key] = value;
                }
            }

            [GeneratedCode("tool", "1.0")]
            public static class GeneratedLookups
            {
                private static readonly Dictionary<string, int> s_cache = new();

                public static void Add(string key, int value) => s_cache[key] = value;
            }
            """);

    [Fact]
    public Task MemoryCaches_created_in_generated_or_hidden_code_are_not_reported_and_plain_ones_are() =>
        AssertReportedLines("""
            #line default
            using System.CodeDom.Compiler;
            using Microsoft.Extensions.Caching.Memory;

            public sealed class Holder
            {
                [GeneratedCode("tool", "1.0")]
                private readonly MemoryCache _generatedField = new MemoryCache(new MemoryCacheOptions());
                private readonly MemoryCache _plainField = new MemoryCache(new MemoryCacheOptions()); // reported
                private readonly IMemoryCache _fromConstructor;
                private readonly IMemoryCache _fromGenerated;

                public Holder()
                {
            #line hidden
                    _fromConstructor = new MemoryCache(new MemoryCacheOptions());
            #line default
                    _fromGenerated = Build();
                }

                [GeneratedCode("tool", "1.0")]
                private static IMemoryCache Build() => new MemoryCache(new MemoryCacheOptions());

                public void Store(string key, string value)
                {
                    _generatedField.Set(key, value);
                    _plainField.Set(key, value);
                    _fromConstructor.Set(key, value);
                    _fromGenerated.Set(key, value);
                }
            }

            public static class Factory
            {
                [GeneratedCode("tool", "1.0")]
                public static IMemoryCache Generated() => new MemoryCache(new MemoryCacheOptions());

                public static IMemoryCache Plain() => new MemoryCache(new MemoryCacheOptions()); // reported

                public static IMemoryCache FromLocalFunction()
                {
                    return Make();

                    [GeneratedCode("tool", "1.0")]
                    static IMemoryCache Make() => new MemoryCache(new MemoryCacheOptions()); // reported
                }
            }

            [GeneratedCode("tool", "1.0")]
            public static class GeneratedFactory
            {
                public static IMemoryCache Create() => new MemoryCache(new MemoryCacheOptions());
            }
            """);
}
