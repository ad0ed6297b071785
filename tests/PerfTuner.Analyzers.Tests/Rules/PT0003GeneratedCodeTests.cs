using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// PT0003 in and around generated code: the reports the analyzer driver's generated-code filter drops (<c>#line hidden</c>,
/// <c>[GeneratedCode]</c> on the member or a containing type) and the ones it keeps. These pin the behaviour the rule had
/// while the driver applied that filter, now that the rule applies it itself (an unbounded fan-out). A line marked <c>// reported</c>
/// is where a diagnostic is expected; no other line may have one. Each source starts with <c>#line default</c>: in a file
/// with a hidden region, code before the first <c>#line</c> directive also counts as hidden, which would hide the plain cases.
/// </summary>
public class PT0003GeneratedCodeTests
{
    private static async Task AssertReportedLines(string source)
    {
        var expected = source.Split('\n').Select((line, index) => (line, index)).Where(p => p.line.Contains("// reported", StringComparison.Ordinal)).Select(p => p.index).ToArray();
        var diagnostics = await Verify<UnboundedConcurrencyAnalyzer>.GetAnalyzerDiagnosticsAsync(source);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        var actual = diagnostics.Where(d => d.Id == "PT0003").Select(d => d.Location.GetLineSpan().StartLinePosition.Line).OrderBy(l => l).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public Task Fan_outs_in_generated_or_hidden_code_are_not_reported_and_plain_ones_are() =>
        AssertReportedLines("""
            #line default
            using System.CodeDom.Compiler;
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Threading.Tasks;

            public sealed class Fetcher(HttpClient http)
            {
                public Task<string[]> PlainAsync(IEnumerable<string> urls) =>
                    Task.WhenAll(urls.Select(url => http.GetStringAsync(url))); // reported

                public Task<string[]> HiddenAsync(IEnumerable<string> urls)
                {
            #line hidden
                    return Task.WhenAll(urls.Select(url => http.GetStringAsync(url)));
            #line default
                }

                [GeneratedCode("tool", "1.0")]
                public Task<string[]> GeneratedAsync(IEnumerable<string> urls) =>
                    Task.WhenAll(urls.Select(url => http.GetStringAsync(url)));

                public Task<string[]> Property => Task.WhenAll(Urls.Select(url => http.GetStringAsync(url))); // reported

                [GeneratedCode("tool", "1.0")]
                public Task<string[]> GeneratedProperty => Task.WhenAll(Urls.Select(url => http.GetStringAsync(url)));

                private static IEnumerable<string> Urls => new[] { "a", "b" };
            }

            [GeneratedCode("tool", "1.0")]
            public sealed class GeneratedFetcher(HttpClient http)
            {
                public Task<string[]> FetchAsync(IEnumerable<string> urls) =>
                    Task.WhenAll(urls.Select(url => http.GetStringAsync(url)));
            }
            """);
}
