using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// Reads per-rule options from .editorconfig / .globalconfig: <c>perftuner.PTxxxx.name = value</c>.
    /// Keys are case-insensitive (Roslyn's option comparer); an unparsable value falls back to the default
    /// rather than throwing, because an analyzer must never fail on user configuration.
    /// </summary>
    internal static class RuleOptions
    {
        internal static string Key(string ruleId, string name) => "perftuner." + ruleId + "." + name;

        internal static bool TryGetRaw(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, out string value)
        {
            value = string.Empty;
            if (options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(Key(ruleId, name), out var raw) && raw != null)
            {
                value = raw.Trim();
                return value.Length > 0;
            }

            return false;
        }

        internal static int GetInt(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
        {
            if (TryGetRaw(options, tree, ruleId, name, out var raw)
                && int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
                && parsed >= min && parsed <= max)
            {
                return parsed;
            }

            return defaultValue;
        }

        internal static bool GetBool(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, bool defaultValue)
        {
            if (TryGetRaw(options, tree, ruleId, name, out var raw) && bool.TryParse(raw, out var parsed))
            {
                return parsed;
            }

            return defaultValue;
        }

        /// <summary>A comma- or semicolon-separated list; entries are trimmed and empty ones dropped.</summary>
        internal static ImmutableArray<string> GetList(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name)
        {
            if (!TryGetRaw(options, tree, ruleId, name, out var raw))
            {
                return ImmutableArray<string>.Empty;
            }

            var builder = ImmutableArray.CreateBuilder<string>();
            foreach (var part in raw.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var entry = part.Trim();
                if (entry.Length > 0)
                {
                    builder.Add(entry);
                }
            }

            return builder.ToImmutable();
        }
    }
}
