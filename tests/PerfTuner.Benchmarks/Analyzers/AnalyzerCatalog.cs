using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// The analyzers the cost benchmarks measure, by name: an empty baseline, every DiagnosticAnalyzer in
/// PerfTuner.Analyzers (found by reflection, so rules that land later are included), all of them together, and a
/// deterministic sample of the .NET SDK's own CA analyzers loaded from the installed SDK.
/// </summary>
public static class AnalyzerCatalog
{
    public const string Empty = "Empty (baseline)";
    public const string AllPerfTuner = "PerfTuner (all rules)";
    private const string CaPrefix = "SDK ";

    /// <summary>How many SDK CA analyzers to sample (every k-th by type name among those enabled by default).</summary>
    public const int CaSampleSize = 6;

    public static IReadOnlyList<DiagnosticAnalyzer> PerfTuner() =>
        typeof(global::PerfTuner.Analyzers.DiagnosticIds).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() != null)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .OrderBy(Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>"PT0004 ClientPerOperationAnalyzer", "SDK CA1822 MarkMembersAsStaticAnalyzer".</summary>
    public static string Name(DiagnosticAnalyzer analyzer)
    {
        var ids = string.Join("/", analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().OrderBy(x => x, StringComparer.Ordinal).Take(2));
        var name = ids + " " + analyzer.GetType().Name;
        return analyzer.GetType().Assembly == typeof(global::PerfTuner.Analyzers.DiagnosticIds).Assembly ? name : CaPrefix + name;
    }

    /// <summary>Every name a benchmark can be parameterised with; SDK analyzers only when asked for.</summary>
    public static IEnumerable<string> Names(bool includeSdkSample)
    {
        yield return Empty;
        foreach (var analyzer in PerfTuner())
        {
            yield return Name(analyzer);
        }

        yield return AllPerfTuner;
        if (includeSdkSample)
        {
            foreach (var analyzer in SdkSample())
            {
                yield return Name(analyzer);
            }
        }
    }

    public static ImmutableArray<DiagnosticAnalyzer> Resolve(string name)
    {
        if (name == Empty)
        {
            return ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyAnalyzer());
        }

        if (name == AllPerfTuner)
        {
            return PerfTuner().ToImmutableArray();
        }

        var match = PerfTuner().Concat(name.StartsWith(CaPrefix, StringComparison.Ordinal) ? SdkSample() : Array.Empty<DiagnosticAnalyzer>())
            .FirstOrDefault(a => Name(a) == name);
        return match == null
            ? throw new ArgumentException($"no analyzer named '{name}'", nameof(name))
            : ImmutableArray.Create(match);
    }

    private static IReadOnlyList<DiagnosticAnalyzer>? _sdkSample;

    /// <summary>
    /// CA analyzers from the installed SDK (Microsoft.CodeAnalysis.NetAnalyzers + its C# part) that report at least
    /// one CA rule enabled by default, sorted by type name, every k-th taken. Override the folder with
    /// PERFTUNER_NETANALYZERS_DIR.
    /// </summary>
    public static IReadOnlyList<DiagnosticAnalyzer> SdkSample()
    {
        if (_sdkSample != null)
        {
            return _sdkSample;
        }

        var all = SdkEnabledByDefault().ToList();
        var step = Math.Max(1, all.Count / CaSampleSize);
        _sdkSample = all.Where((_, index) => index % step == 0).Take(CaSampleSize).ToArray();
        return _sdkSample;
    }

    private static IReadOnlyList<DiagnosticAnalyzer>? _sdkAll;

    /// <summary>Every C# analyzer of the installed SDK's NetAnalyzers with at least one CA rule enabled by default, by type name.</summary>
    public static IReadOnlyList<DiagnosticAnalyzer> SdkEnabledByDefault()
    {
        if (_sdkAll != null)
        {
            return _sdkAll;
        }

        var directory = Environment.GetEnvironmentVariable("PERFTUNER_NETANALYZERS_DIR") ?? FindSdkAnalyzersDirectory();
        var all = new List<DiagnosticAnalyzer>();
        foreach (var file in new[] { "Microsoft.CodeAnalysis.NetAnalyzers.dll", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers.dll" })
        {
            var assembly = Assembly.LoadFrom(Path.Combine(directory, file));
            Type[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                types = e.Types.Where(t => t != null).ToArray()!;
            }

            foreach (var type in types)
            {
                var attribute = type.GetCustomAttribute<DiagnosticAnalyzerAttribute>();
                if (type.IsAbstract || attribute == null || !attribute.Languages.Contains(LanguageNames.CSharp) || !typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
                {
                    continue;
                }

                try
                {
                    var analyzer = (DiagnosticAnalyzer)Activator.CreateInstance(type)!;
                    if (analyzer.SupportedDiagnostics.Any(d => d.Id.StartsWith("CA", StringComparison.Ordinal) && d.IsEnabledByDefault))
                    {
                        all.Add(analyzer);
                    }
                }
                catch (Exception)
                {
                    // An analyzer this Roslyn cannot host is skipped, not measured.
                }
            }
        }

        all.Sort((a, b) => string.CompareOrdinal(a.GetType().FullName, b.GetType().FullName));
        _sdkAll = all;
        return _sdkAll;
    }

    private static IReadOnlyList<DiagnosticAnalyzer>? _sdkRunByBuild;

    /// <summary>
    /// The SDK CA analyzers a command-line build actually executes. csc (CommonCompiler) attaches its analyzer driver
    /// with a severity filter — Hidden always, Info unless an /errorlog is written — and the driver skips every
    /// analyzer whose rules are all filtered or disabled. So a default <c>dotnet build</c> runs only the analyzers
    /// with at least one rule at Warning or Error after the SDK's analysis-level globalconfig
    /// (<see cref="SdkGlobalConfigSeverities"/>); the CA rules that are enabled by default as suggestions (Info) do not run.
    /// </summary>
    public static IReadOnlyList<DiagnosticAnalyzer> SdkRunByBuild()
    {
        if (_sdkRunByBuild != null)
        {
            return _sdkRunByBuild;
        }

        var severities = SdkGlobalConfigSeverities();
        _sdkRunByBuild = SdkEnabledByDefault()
            .Where(analyzer => analyzer.SupportedDiagnostics.Any(d => EffectiveSeverity(d, severities) is ReportDiagnostic.Warn or ReportDiagnostic.Error))
            .ToArray();
        return _sdkRunByBuild;
    }

    /// <summary>
    /// The rule severities of the SDK's default analysis level (<c>analysislevel_&lt;major&gt;_default.globalconfig</c>
    /// next to the NetAnalyzers, passed to csc by every build of a net&lt;major&gt;.0 project); empty when absent.
    /// </summary>
    public static ImmutableDictionary<string, ReportDiagnostic> SdkGlobalConfigSeverities()
    {
        var directory = Environment.GetEnvironmentVariable("PERFTUNER_NETANALYZERS_DIR") ?? FindSdkAnalyzersDirectory();
        var path = Path.Combine(directory, "build", "config", $"analysislevel_{Environment.Version.Major}_default.globalconfig");
        if (!File.Exists(path))
        {
            return ImmutableDictionary<string, ReportDiagnostic>.Empty;
        }

        var config = AnalyzerConfig.Parse(Microsoft.CodeAnalysis.Text.SourceText.From(File.ReadAllText(path)), path);
        return AnalyzerConfigSet.Create(new[] { config }).GlobalConfigOptions.TreeOptions;
    }

    private static ReportDiagnostic EffectiveSeverity(DiagnosticDescriptor descriptor, ImmutableDictionary<string, ReportDiagnostic> configured) =>
        configured.TryGetValue(descriptor.Id, out var severity) && severity != ReportDiagnostic.Default ? severity
        : !descriptor.IsEnabledByDefault ? ReportDiagnostic.Suppress
        : descriptor.DefaultSeverity switch
        {
            DiagnosticSeverity.Error => ReportDiagnostic.Error,
            DiagnosticSeverity.Warning => ReportDiagnostic.Warn,
            DiagnosticSeverity.Info => ReportDiagnostic.Info,
            _ => ReportDiagnostic.Hidden,
        };

    private static string FindSdkAnalyzersDirectory()
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<v>/System.Private.CoreLib.dll → <dotnet>/sdk/<v>/Sdks/Microsoft.NET.Sdk/analyzers
        var sharedDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)))!;
        var sdkRoot = Path.GetFullPath(Path.Combine(sharedDir, "..", "sdk"));
        var candidates = Directory.Exists(sdkRoot)
            ? Directory.GetDirectories(sdkRoot)
                .Select(d => Path.Combine(d, "Sdks", "Microsoft.NET.Sdk", "analyzers"))
                .Where(d => File.Exists(Path.Combine(d, "Microsoft.CodeAnalysis.NetAnalyzers.dll")))
                .OrderBy(d => d, StringComparer.Ordinal)
                .ToArray()
            : Array.Empty<string>();
        return candidates.Length > 0
            ? candidates[^1]
            : throw new DirectoryNotFoundException($"no SDK NetAnalyzers under {sdkRoot}; set PERFTUNER_NETANALYZERS_DIR");
    }

#pragma warning disable RS1036, RS1041, RS2008 // a benchmark-only analyzer, never shipped or loaded by a compiler
    /// <summary>
    /// The roslyn-analyzers baseline: an analyzer that registers nothing, so only the driver's fixed cost remains.
    /// With <c>operationFloor</c> it registers one operation action that does nothing: the floor of any
    /// IOperation-based analyzer. That makes the driver build an IOperation tree for every method body (binding each
    /// body a second time), which the plain empty analyzer never asks for; the difference between the two is what
    /// every operation analyzer pays before its own first line runs.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class EmptyAnalyzer(bool operationFloor = false) : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Descriptor = new("EMPTY0001", "Empty", "Empty", "Benchmark", DiagnosticSeverity.Warning, isEnabledByDefault: true);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            if (operationFloor)
            {
                context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
            }
        }
    }
#pragma warning restore RS1036, RS1041, RS2008
}
