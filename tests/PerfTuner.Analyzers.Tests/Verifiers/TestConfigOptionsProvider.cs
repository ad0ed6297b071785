using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Analyzers.Tests.Verifiers;

/// <summary>Feeds <c>key = value</c> lines (as written in .editorconfig) to an analyzer outside the test harness.</summary>
internal sealed class TestConfigOptionsProvider : AnalyzerConfigOptionsProvider
{
    private readonly Options _options;

    public TestConfigOptionsProvider(string? editorConfig)
    {
        var values = ImmutableDictionary.CreateBuilder<string, string>(AnalyzerConfigOptions.KeyComparer);
        foreach (var line in (editorConfig ?? string.Empty).Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq > 0)
            {
                values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        _options = new Options(values.ToImmutable());
    }

    public override AnalyzerConfigOptions GlobalOptions => _options;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => _options;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _options;

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
