using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace PerfTuner.Analyzers.Tests.Verifiers;

/// <summary>
/// Runs one analyzer over C# source with the real library references. Mark expected diagnostics in the source
/// with <c>{|PT0001:span|}</c> or <c>[|span|]</c>; options go in as .editorconfig text.
/// </summary>
public static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static DiagnosticResult Diagnostic(string id) => CSharpAnalyzerVerifier<TAnalyzer, DefaultVerifier>.Diagnostic(id);

    /// <summary>Asserts that the analyzer reports exactly the marked (and the explicitly expected) diagnostics.</summary>
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected) =>
        AnalyzerAsync(source, editorConfig: null, expected);

    public static Task AnalyzerAsync(string source, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest(editorConfig) { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>
    /// Runs the analyzer over code that need not compile and asserts only that it never throws (AD0001).
    /// Compiler errors are expected; which of our diagnostics broken code yields is not asserted.
    /// </summary>
    public static async Task NeverThrowsAsync(string source, string? editorConfig = null)
    {
        var diagnostics = await GetAnalyzerDiagnosticsAsync(source, editorConfig);
        var failures = diagnostics.Where(d => d.Id == "AD0001").Select(d => d.GetMessage()).ToArray();
        Assert.True(failures.Length == 0, "analyzer threw:\n" + string.Join("\n", failures));
    }

    /// <summary>All diagnostics the analyzer reports on <paramref name="source"/>, exceptions (AD0001) included.</summary>
    public static async Task<ImmutableArray<Diagnostic>> GetAnalyzerDiagnosticsAsync(string source, string? editorConfig = null)
    {
        var references = await TestReferences.Net80.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "/Test0.cs");
        var compilation = CSharpCompilation.Create(
            "BrokenCode",
            new[] { tree },
            references.AddRange(TestReferences.Libraries),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var options = new AnalyzerOptions(
            ImmutableArray<AdditionalText>.Empty,
            new TestConfigOptionsProvider(editorConfig));
        var withAnalyzers = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new TAnalyzer()),
            new CompilationWithAnalyzersOptions(options, onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        return await withAnalyzers.GetAnalyzerDiagnosticsAsync();
    }

    internal sealed class AnalyzerTest : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest(string? editorConfig)
        {
            ReferenceAssemblies = TestReferences.Net80;
            TestState.AdditionalReferences.AddRange(TestReferences.Libraries);
            if (editorConfig is not null)
            {
                TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig));
            }
        }
    }
}

/// <summary>Runs an analyzer and its code fix; Fix All is checked by the testing library for every fixed case.</summary>
public static class VerifyFix<TAnalyzer, TCodeFix>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public static Task CodeFixAsync(string source, string fixedSource, params DiagnosticResult[] expected) =>
        CodeFixAsync(source, fixedSource, editorConfig: null, expected);

    public static Task CodeFixAsync(string source, string fixedSource, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new CodeFixTest(editorConfig) { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Several diagnostics fixed in one Fix All pass (document scope) must give <paramref name="fixedSource"/>.</summary>
    public static Task FixAllAsync(string source, string fixedSource, string? editorConfig = null)
    {
        var test = new CodeFixTest(editorConfig)
        {
            TestCode = source,
            FixedCode = fixedSource,
            BatchFixedCode = fixedSource,
            NumberOfFixAllIterations = 1,
        };
        return test.RunAsync();
    }

    internal sealed class CodeFixTest : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    {
        public CodeFixTest(string? editorConfig)
        {
            ReferenceAssemblies = TestReferences.Net80;
            TestState.AdditionalReferences.AddRange(TestReferences.Libraries);
            FixedState.AdditionalReferences.AddRange(TestReferences.Libraries);
            if (editorConfig is not null)
            {
                var config = ("/.editorconfig", "root = true\n\n[*.cs]\n" + editorConfig);
                TestState.AnalyzerConfigFiles.Add(config);
                FixedState.AnalyzerConfigFiles.Add(config);
            }
        }
    }
}
