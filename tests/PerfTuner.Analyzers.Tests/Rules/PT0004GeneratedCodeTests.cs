using Microsoft.CodeAnalysis.Testing;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>
/// PT0004 in and around generated code: which reports the analyzer driver's generated-code filter drops
/// (<c>#line hidden</c>, <c>[GeneratedCode]</c> on the member, its property or its type) and which it keeps. These pin
/// the behaviour the rule had while the driver applied that filter, now that the rule applies it itself.
/// </summary>
public class PT0004GeneratedCodeTests
{
    private const string Usings = PT0004ClientPerOperationTests.Usings + "using System.CodeDom.Compiler;\n";

    private static DiagnosticResult Expected(int location, string how) =>
        VerifyPT0004.Diagnostic("PT0004").WithLocation(location).WithArguments("HttpClient", how);

    [Fact]
    public Task Creation_in_a_line_hidden_region_is_not_reported_and_one_after_line_default_is() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Pages
            {
                public async Task<string> HiddenAsync(string url)
                {
            #line hidden
                    using var http = new HttpClient();
            #line default
                    return await http.GetStringAsync(url);
                }

                public async Task<string> VisibleAsync(string url)
                {
                    using var http = {|#0:new HttpClient()|};
                    return await http.GetStringAsync(url);
                }
            }
            """,
            Expected(0, "per call of VisibleAsync(string) and disposed at its end"));

    [Fact]
    public Task GeneratedCode_on_the_method_or_the_type_silences_it_and_a_plain_sibling_is_still_reported() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Mixed
            {
                [GeneratedCode("tool", "1.0")]
                public async Task<string> GeneratedAsync(string url)
                {
                    using var http = new HttpClient();
                    return await http.GetStringAsync(url);
                }

                public async Task<string> HandWrittenAsync(string url)
                {
                    using var http = {|#0:new HttpClient()|};
                    return await http.GetStringAsync(url);
                }
            }

            [GeneratedCode("tool", "1.0")]
            public sealed class FullyGenerated
            {
                public async Task<string> FetchAsync(string url)
                {
                    using var http = new HttpClient();
                    return await http.GetStringAsync(url);
                }
            }
            """,
            Expected(0, "per call of HandWrittenAsync(string) and disposed at its end"));

    [Fact]
    public Task GeneratedCode_on_a_property_silences_its_accessor_bodies() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Status
            {
                [GeneratedCode("tool", "1.0")]
                public string Generated
                {
                    get
                    {
                        using var http = new HttpClient();
                        return http.GetStringAsync("http://status/").Result;
                    }
                }

                [GeneratedCode("tool", "1.0")]
                public string GeneratedArrow => new HttpClient().GetStringAsync("http://status/").Result;

                public string HandWritten
                {
                    get
                    {
                        using var http = {|#0:new HttpClient()|};
                        return http.GetStringAsync("http://status/").Result;
                    }
                }
            }
            """,
            Expected(0, "per call of HandWritten and disposed at its end"));

    [Fact]
    public Task GeneratedCode_on_a_nested_type_inside_a_partial_type_silences_it() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public partial class Outer
            {
                [GeneratedCode("tool", "1.0")]
                public sealed class Inner
                {
                    public async Task<string> FetchAsync(string url)
                    {
                        using var http = new HttpClient();
                        return await http.GetStringAsync(url);
                    }
                }
            }

            public partial class Outer
            {
                public async Task<string> FetchAsync(string url)
                {
                    using var http = {|#0:new HttpClient()|};
                    return await http.GetStringAsync(url);
                }
            }
            """,
            Expected(0, "per call of FetchAsync(string) and disposed at its end"));

    [Fact]
    public Task GeneratedCode_on_a_local_function_does_not_silence_it() =>
        VerifyPT0004.AnalyzerAsync(Usings + """
            public sealed class Local
            {
                public async Task<string> FetchAsync(string url)
                {
                    return await Fetch(url);

                    [GeneratedCode("tool", "1.0")]
                    static async Task<string> Fetch(string address)
                    {
                        using var http = {|#0:new HttpClient()|};
                        return await http.GetStringAsync(address);
                    }
                }
            }
            """,
            Expected(0, "per call of Fetch(string) in FetchAsync(string) and disposed at its end"));

    [Fact]
    public Task GeneratedCode_through_an_alias_in_the_same_file_silences_it() =>
        VerifyPT0004.AnalyzerAsync("using Gen = System.CodeDom.Compiler.GeneratedCodeAttribute;\n" + PT0004ClientPerOperationTests.Usings + """
            [Gen("tool", "1.0")]
            public sealed class Aliased
            {
                public async Task<string> FetchAsync(string url)
                {
                    using var http = new HttpClient();
                    return await http.GetStringAsync(url);
                }
            }
            """);
}
