using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// The issue's accepted cross-check: <c>dotnet build -p:ReportAnalyzer=true -bl</c> on the same corpus, as a real
/// project on disk (<see cref="CorpusProject"/>). Four arms — no analyzers, PerfTuner only, the SDK's CA analyzers
/// (a default build), CA + PerfTuner — are built in every round, the order alternating between rounds, after one
/// discarded warm-up round (compiler server, disk cache). From each build's detailed log it reads the Csc task time
/// (MSBuild's performance summary) and the compiler's own analyzer report; it prints every round and the medians.
/// Commands of the benchmark host:
///   --write-corpus DIR                       write the project only
///   --build-crosscheck DIR [--rounds N]      write it to DIR/corpus and run the cross-check (default 5 rounds)
///   --build-crosscheck-report DIR            print the summary again from the logs of an earlier run in DIR
/// </summary>
public static partial class BuildCrossCheck
{
    private const string PerfTunerAssembly = "PerfTuner.Analyzers";

    private static readonly string[] CaAssemblies = { "Microsoft.CodeAnalysis.NetAnalyzers", "Microsoft.CodeAnalysis.CSharp.NetAnalyzers" };

    private static readonly Arm[] Arms =
    {
        new("none", "no analyzers", new[] { "-p:RunAnalyzers=false" }),
        new("pt", "PerfTuner only", new[] { "-p:EnableNETAnalyzers=false", "-p:PerfTunerAnalyzers=true" }),
        new("ca", "SDK CA (default build)", Array.Empty<string>()),
        new("ca-pt", "SDK CA + PerfTuner", new[] { "-p:PerfTunerAnalyzers=true" }),
    };

    /// <summary>Handles the two commands above; false for anything else (the BenchmarkDotNet switcher takes it).</summary>
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || (args[0] != "--write-corpus" && args[0] != "--build-crosscheck" && args[0] != "--build-crosscheck-report"))
        {
            return false;
        }

        var rounds = 5;
        var valid = args.Length == 2
            || (args.Length == 4 && args[0] == "--build-crosscheck" && args[2] == "--rounds" && int.TryParse(args[3], out rounds) && rounds > 0);
        if (!valid)
        {
            Console.Error.WriteLine("usage: --write-corpus DIR | --build-crosscheck DIR [--rounds N] | --build-crosscheck-report DIR");
            exitCode = 2;
            return true;
        }

        var directory = Path.GetFullPath(args[1]);
        try
        {
            if (args[0] == "--write-corpus")
            {
                Console.WriteLine(CorpusProject.Write(directory));
            }
            else if (args[0] == "--build-crosscheck-report")
            {
                Report(directory);
            }
            else
            {
                Run(directory, rounds);
            }
        }
        catch (BuildFailedException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            exitCode = 1;
        }

        return true;
    }

    private static void Run(string directory, int rounds)
    {
        var project = CorpusProject.Write(Path.Combine(directory, "corpus"));
        var logs = Path.Combine(directory, "logs");
        Directory.CreateDirectory(logs);
        var artifacts = Path.Combine(directory, "artifacts");
        Console.WriteLine($"// corpus project: {project}");
        Console.WriteLine($"// logs and binlogs: {logs}");
        Dotnet(Path.Combine(logs, "restore.log"), "restore", project, "--artifacts-path", artifacts, "-nologo");

        Console.WriteLine("// warm-up round (discarded)");
        foreach (var arm in Arms)
        {
            Build(project, artifacts, logs, "warmup", arm);
        }

        var results = new List<(int Round, Arm Arm, BuildReport Report)>();
        var runSet = AnalyzerCatalog.SdkRunByBuild().Select(a => a.GetType().FullName!).ToHashSet(StringComparer.Ordinal);
        for (var round = 1; round <= rounds; round++)
        {
            var order = round % 2 == 1 ? Arms : Enumerable.Reverse(Arms).ToArray();
            foreach (var arm in order)
            {
                var report = Build(project, artifacts, logs, "r" + round, arm);
                results.Add((round, arm, report));
                Console.WriteLine($"// round {round} {arm.Title,-24} Csc {report.CscMs,7:N0} ms | analyzers {report.TotalAnalyzerSeconds * 1000,7:N0} ms"
                    + $" (PT {report.AssemblyMs(PerfTunerAssembly),6:N0}, CA {CaAssemblies.Sum(report.AssemblyMs),6:N0}, CA median of the {report.CaTimes(runSet).Count} run {Median(report.CaTimes(runSet)),5:N1})"
                    + string.Concat(report.PerfTunerRules().Select(p => $" | {p.Key} {p.Value,5:N0}")));
            }
        }

        PrintSummary(results, runSet);
    }

    /// <summary>Re-reads the measured rounds' logs (DIR/logs/rN-ARM.log) of an earlier run and prints the summary.</summary>
    private static void Report(string directory)
    {
        var results = new List<(int Round, Arm Arm, BuildReport Report)>();
        var logs = Path.Combine(directory, "logs");
        for (var round = 1; Arms.All(arm => File.Exists(Path.Combine(logs, $"r{round}-{arm.Slug}.log"))); round++)
        {
            foreach (var arm in Arms)
            {
                var path = Path.Combine(logs, $"r{round}-{arm.Slug}.log");
                results.Add((round, arm, BuildReport.Parse(File.ReadAllLines(path), path)));
            }
        }

        if (results.Count == 0)
        {
            throw new BuildFailedException($"no complete round of logs (r1-none.log ... r1-ca-pt.log) in {logs}");
        }

        PrintSummary(results, AnalyzerCatalog.SdkRunByBuild().Select(a => a.GetType().FullName!).ToHashSet(StringComparer.Ordinal));
    }

    private static void PrintSummary(List<(int Round, Arm Arm, BuildReport Report)> results, HashSet<string> runSet)
    {
        BuildReport Of(int round, string arm) => results.Single(r => r.Round == round && r.Arm.Slug == arm).Report;
        var rounds = results.Select(r => r.Round).Distinct().ToArray();
        string Ms(IEnumerable<double> values) => Median(values).ToString("N0", CultureInfo.InvariantCulture);
        string Pct(IEnumerable<double> values) => Median(values).ToString("N1", CultureInfo.InvariantCulture) + " %";

        Console.WriteLine();
        Console.WriteLine($"// ---- dotnet build cross-check: medians of {rounds.Length} rounds ----");
        foreach (var arm in Arms)
        {
            var reports = rounds.Select(r => Of(r, arm.Slug)).ToArray();
            Console.WriteLine($"// {arm.Title,-24} Csc task {Ms(reports.Select(x => x.CscMs)),7} ms; analyzer execution {Ms(reports.Select(x => x.TotalAnalyzerSeconds * 1000)),7} ms"
                + $" (PT {Ms(reports.Select(x => x.AssemblyMs(PerfTunerAssembly)))}, CA {Ms(reports.Select(x => CaAssemblies.Sum(x.AssemblyMs)))}); build {Ms(reports.Select(x => x.ElapsedMs))} ms");
        }

        // Paired per round (same load), then the median of the per-round figures.
        Console.WriteLine($"// Budget 1, PerfTuner alone: Csc(PT only) / Csc(no analyzers) - 1 = {Pct(rounds.Select(r => 100 * (Of(r, "pt").CscMs / Of(r, "none").CscMs - 1)))}");
        Console.WriteLine($"// Budget 1, on top of a default build: Csc(CA + PT) / Csc(CA) - 1 = {Pct(rounds.Select(r => 100 * (Of(r, "ca-pt").CscMs / Of(r, "ca").CscMs - 1)))}");
        Console.WriteLine($"// (for scale) SDK CA alone: Csc(CA) / Csc(no analyzers) - 1 = {Pct(rounds.Select(r => 100 * (Of(r, "ca").CscMs / Of(r, "none").CscMs - 1)))}");
        Console.WriteLine($"// PerfTuner analyzer execution time / Csc(no analyzers): {Pct(rounds.Select(r => 100 * Of(r, "ca-pt").AssemblyMs(PerfTunerAssembly) / Of(r, "none").CscMs))}"
            + " (execution time is summed over concurrent threads)");

        var caMedians = rounds.Select(r => Median(Of(r, "ca-pt").CaTimes(runSet))).ToArray();
        var allCaMedians = rounds.Select(r => Median(Of(r, "ca-pt").CaTimes(null))).ToArray();
        Console.WriteLine($"// Budget 2 (arm SDK CA + PerfTuner): median CA analyzer among the {Of(rounds[0], "ca-pt").CaTimes(runSet).Count} the build runs (a Warning/Error rule): {Median(caMedians):N1} ms;"
            + $" among all {Of(rounds[0], "ca-pt").CaTimes(null).Count} listed CA analyzers: {Median(allCaMedians):N1} ms (the report shows < 1 ms as 0)");
        var measured = Of(rounds[0], "ca").CaAnalyzers().Where(p => p.Value > 0).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        Console.WriteLine($"// CA analyzers with time > 0 in round 1 (CA arm) but not in the run-by-build set: {Names(measured.Except(runSet))}; in the set but < 1 ms: {Names(runSet.Except(measured))}");
        foreach (var rule in results.SelectMany(r => r.Report.PerfTunerRules().Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal))
        {
            var ms = rounds.Select(r => Of(r, "ca-pt").PerfTunerRules().GetValueOrDefault(rule)).ToArray();
            var ratios = rounds.Select(r => Of(r, "ca-pt").PerfTunerRules().GetValueOrDefault(rule) / Median(Of(r, "ca-pt").CaTimes(runSet))).ToArray();
            var alone = rounds.Select(r => Of(r, "pt").PerfTunerRules().GetValueOrDefault(rule)).ToArray();
            Console.WriteLine($"// {rule,-40} {Median(ms),7:N0} ms = {Median(ratios),6:N2} x CA median (per-round ratios {string.Join(", ", ratios.Select(x => x.ToString("N1", CultureInfo.InvariantCulture)))}); PerfTuner-only arm {Median(alone):N0} ms");
        }
    }

    private static string Names(IEnumerable<string> types)
    {
        var names = types.Select(t => t[(t.LastIndexOf('.') + 1)..]).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        return names.Length == 0 ? "none" : string.Join(", ", names);
    }

    private static BuildReport Build(string project, string artifacts, string logs, string label, Arm arm)
    {
        var stem = Path.Combine(logs, $"{label}-{arm.Slug}");
        var args = new List<string>
        {
            "build", project, "-c", "Release", "--no-restore", "--no-incremental", "-nologo", "-nr:false",
            "--artifacts-path", artifacts, "-p:ReportAnalyzer=true",
            "-bl:" + stem + ".binlog",
            "-flp:logfile=" + stem + ".log;verbosity=detailed;performancesummary",
            "-clp:ErrorsOnly;NoSummary",
        };
        args.AddRange(arm.Properties);
        Dotnet(null, args.ToArray());
        return BuildReport.Parse(File.ReadAllLines(stem + ".log"), stem + ".log");
    }

    /// <summary>Runs the dotnet CLI; its console output goes to <paramref name="consoleLog"/> (or is dropped: the file logger has it).</summary>
    private static void Dotnet(string? consoleLog, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new BuildFailedException("could not start dotnet");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (consoleLog != null)
        {
            File.WriteAllText(consoleLog, stdout + stderr.Result);
        }

        if (process.ExitCode != 0)
        {
            throw new BuildFailedException($"dotnet {string.Join(' ', args)} failed with exit code {process.ExitCode}:\n{stdout}{stderr.Result}");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(x => x).ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Arm(string Slug, string Title, string[] Properties);

    private sealed class BuildFailedException(string message) : Exception(message);

    /// <summary>What one build's detailed log says: Csc task time, build time, and the compiler's analyzer report.</summary>
    private sealed partial class BuildReport
    {
        private readonly Dictionary<string, double> _assemblyMs = new(StringComparer.Ordinal);

        /// <summary>Analyzer type name → (assembly, diagnostic ids, ms).</summary>
        private readonly Dictionary<string, (string Assembly, string Ids, double Ms)> _analyzers = new(StringComparer.Ordinal);

        public double CscMs { get; private set; } = double.NaN;

        public double ElapsedMs { get; private set; } = double.NaN;

        public double TotalAnalyzerSeconds { get; private set; }

        public double AssemblyMs(string assembly) => _assemblyMs.GetValueOrDefault(assembly);

        /// <summary>"PT0001 UnboundedCacheAnalyzer" → ms, as AnalyzerCatalog names them.</summary>
        public Dictionary<string, double> PerfTunerRules() => _analyzers
            .Where(p => p.Value.Assembly == PerfTunerAssembly)
            .ToDictionary(p => p.Value.Ids.Replace(", ", "/", StringComparison.Ordinal) + " " + p.Key[(p.Key.LastIndexOf('.') + 1)..], p => p.Value.Ms, StringComparer.Ordinal);

        /// <summary>Every CA analyzer in the report: type name → ms.</summary>
        public Dictionary<string, double> CaAnalyzers() => _analyzers
            .Where(p => CaAssemblies.Contains(p.Value.Assembly))
            .ToDictionary(p => p.Key, p => p.Value.Ms, StringComparer.Ordinal);

        /// <summary>The CA analyzers' times; only those whose type is in <paramref name="types"/> when given.</summary>
        public List<double> CaTimes(HashSet<string>? types) => _analyzers
            .Where(p => CaAssemblies.Contains(p.Value.Assembly) && (types == null || types.Contains(p.Key)))
            .Select(p => p.Value.Ms)
            .ToList();

        public static BuildReport Parse(string[] lines, string path)
        {
            var report = new BuildReport();
            string? assembly = null;
            var inTable = false;
            foreach (var line in lines)
            {
                Match match;
                if ((match = CscLine().Match(line)).Success)
                {
                    report.CscMs = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                }
                else if ((match = ElapsedLine().Match(line)).Success)
                {
                    report.ElapsedMs = TimeSpan.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture).TotalMilliseconds;
                }
                else if ((match = TotalLine().Match(line)).Success)
                {
                    report.TotalAnalyzerSeconds = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    inTable = true;
                }
                else if (inTable && (match = RowLine().Match(line)).Success)
                {
                    // "<0.001" (under a millisecond) counts as 0.
                    var ms = match.Groups[1].Value == "<" ? 0 : 1000 * double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                    var name = match.Groups[3].Value.Trim();
                    var version = name.IndexOf(", Version=", StringComparison.Ordinal);
                    if (version > 0)
                    {
                        assembly = name[..version];
                        report._assemblyMs[assembly] = ms;
                    }
                    else if (assembly != null)
                    {
                        var open = name.LastIndexOf(" (", StringComparison.Ordinal);
                        var type = open > 0 ? name[..open] : name;
                        var ids = open > 0 ? name[(open + 2)..].TrimEnd(')') : string.Empty;
                        report._analyzers[type] = (assembly, ids, ms);
                    }
                }
                else if (inTable && line.Contains("Total generator execution time", StringComparison.Ordinal))
                {
                    inTable = false;
                }
            }

            if (double.IsNaN(report.CscMs))
            {
                throw new BuildFailedException($"{path}: no Csc line in the task performance summary (did the compile run?)");
            }

            return report;
        }

        [GeneratedRegex(@"^\s*(\d+) ms\s+Csc\s+\d+ calls")]
        private static partial Regex CscLine();

        [GeneratedRegex(@"^Time Elapsed (\d+:\d+:\d+\.\d+)")]
        private static partial Regex ElapsedLine();

        [GeneratedRegex(@"Total analyzer execution time: (\d+\.\d+) seconds")]
        private static partial Regex TotalLine();

        [GeneratedRegex(@"^\s*(<?)(\d+\.\d+)\s+<?\d+\s+(\S.*)$")]
        private static partial Regex RowLine();
    }
}
