using System.Globalization;
using System.Text;

namespace PerfTuner.Smoke.Cli;

/// <summary>
/// Parses the runner's command line: `--name value` or `--name=value`. One table drives both parsing and --help,
/// so the documented options are exactly the accepted ones.
/// </summary>
public static class SmokeCommandLine
{
    private sealed record Option(string Name, string? Value, string Help, Func<SmokeOptions, string, SmokeOptions> Apply);

    private static readonly Option[] Options =
    {
        new("--url", "URL", "Qdrant gRPC endpoint (http or https, e.g. http://localhost:6334). Empty: embedded LocalQdrant.",
            (o, v) => o with { Url = string.IsNullOrWhiteSpace(v) ? null : ParseUrl(v) }),
        new("--api-key-env", "NAME", "Environment variable holding the API key (default QDRANT_API_KEY). The key is never printed.",
            (o, v) => o with { ApiKeyEnv = NonEmpty("--api-key-env", v) }),
        new("--local-args", "\"ARGS\"", "Arguments for the embedded LocalQdrant, e.g. \"--latency-factor 1.25\".",
            (o, v) => o with { LocalArgs = SplitArgs(v) }),
        new("--timeout-seconds", "S", "Time limit for connecting, each Qdrant call and the readiness wait (default 30).",
            (o, v) => o with { TimeoutSeconds = Number("--timeout-seconds", v, 0.1, 3600) }),
        new("--baseline", "FILE", "Baseline JSON (default perf-baseline.json).",
            (o, v) => o with { BaselinePath = NonEmpty("--baseline", v) }),
        new("--update-baseline", null, "Write the baseline from this run (PT1007).",
            (o, _) => o with { UpdateBaseline = true }),
        new("--tolerance", "PCT", "Allowed p95 increase in percent before a significant shift fails (default 10).",
            (o, v) => o with { TolerancePercent = Number("--tolerance", v, 0, 1000) }),
        new("--alpha", "P", "Significance level of the one-sided Mann-Whitney U test (default 0.01).",
            (o, v) => o with { Alpha = Number("--alpha", v, 1e-9, 0.5) }),
        new("--noise-floor-ms", "MS", "Smallest absolute p95 increase that can fail the gate (default 0.2).",
            (o, v) => o with { NoiseFloorMs = Number("--noise-floor-ms", v, 0, 1e6) }),
        new("--recall-tolerance", "R", "Allowed absolute recall drop before PT1005 (default 0.02).",
            (o, v) => o with { RecallTolerance = Number("--recall-tolerance", v, 0, 1) }),
        new("--no-confirm", null, "Do not re-measure a suspected regression before failing.",
            (o, _) => o with { Confirm = false }),
        new("--max-p50-ms", "MS", "Budget: fail (PT1002) when p50 exceeds it.",
            (o, v) => o with { MaxP50Ms = Optional("--max-p50-ms", v, 0, 1e7) }),
        new("--max-p95-ms", "MS", "Budget: fail (PT1002) when p95 exceeds it.",
            (o, v) => o with { MaxP95Ms = Optional("--max-p95-ms", v, 0, 1e7) }),
        new("--max-p99-ms", "MS", "Budget: fail (PT1002) when p99 exceeds it.",
            (o, v) => o with { MaxP99Ms = Optional("--max-p99-ms", v, 0, 1e7) }),
        new("--min-qps", "QPS", "Budget: fail (PT1002) when throughput at --concurrency is lower.",
            (o, v) => o with { MinQps = Optional("--min-qps", v, 0, 1e9) }),
        new("--min-recall", "R", "Budget: fail (PT1002) when recall@k is lower (0..1).",
            (o, v) => o with { MinRecall = Optional("--min-recall", v, 0, 1) }),
        new("--report-dir", "DIR", "Where perf-smoke.json/.md/.html go (default ./perftuner).",
            (o, v) => o with { ReportDir = NonEmpty("--report-dir", v) }),
        new("--samples", "N", "Timed samples (one call each) per benchmark (default 200).",
            (o, v) => o with { Samples = Integer("--samples", v, 10, 1_000_000) }),
        new("--warmup", "N", "Warmup calls per benchmark before the timed samples (default 20).",
            (o, v) => o with { WarmupCount = Integer("--warmup", v, 1, 1_000_000) }),
        new("--benchmarks", "ASSEMBLY", "Run this assembly's [Benchmark] methods instead of the built-in workload.",
            (o, v) => o with { BenchmarksAssembly = string.IsNullOrWhiteSpace(v) ? null : v }),
        new("--filter", "GLOB", "With --benchmarks: only methods whose Type.Method matches (repeatable; ';' separates).",
            (o, v) => o with { Filters = o.Filters.Concat(v.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray() }),
        new("--points", "N", "Built-in workload: points to upsert (default 10000).",
            (o, v) => o with { Points = Integer("--points", v, 10, 10_000_000) }),
        new("--dimensions", "N", "Built-in workload: vector size (default 384).",
            (o, v) => o with { Dimensions = Integer("--dimensions", v, 1, 65_536) }),
        new("--distance", "NAME", "Built-in workload: Cosine, Dot, Euclid or Manhattan (default Cosine).",
            (o, v) => o with { Distance = ParseDistance(v) }),
        new("--hnsw-m", "N", "Built-in workload: HNSW m (default 16).",
            (o, v) => o with { HnswM = Integer("--hnsw-m", v, 0, 1024) }),
        new("--hnsw-ef-construct", "N", "Built-in workload: HNSW ef_construct (default 100).",
            (o, v) => o with { HnswEfConstruct = Integer("--hnsw-ef-construct", v, 4, 100_000) }),
        new("--search-ef", "N", "Built-in workload: hnsw_ef of each search (default 100).",
            (o, v) => o with { SearchEf = Integer("--search-ef", v, 1, 100_000) }),
        new("--limit", "K", "Built-in workload: neighbours per search, the k of recall@k (default 10).",
            (o, v) => o with { Limit = Integer("--limit", v, 1, 10_000) }),
        new("--concurrency", "N", "Built-in workload: parallel searches in the QPS phase (default 4).",
            (o, v) => o with { Concurrency = Integer("--concurrency", v, 1, 1024) }),
        new("--batch-size", "N", "Built-in workload: points per upsert request (default 500).",
            (o, v) => o with { BatchSize = Integer("--batch-size", v, 1, 100_000) }),
        new("--seed", "N", "Built-in workload: seed of the synthetic vectors and queries (default 42).",
            (o, v) => o with { Seed = Integer("--seed", v, int.MinValue, int.MaxValue) }),
        new("--qps-seconds", "S", "Built-in workload: length of the timed QPS phase (default 2).",
            (o, v) => o with { QpsSeconds = Number("--qps-seconds", v, 0.1, 3600) }),
        new("--recall-queries", "N", "Built-in workload: queries compared with exact search for recall@k (default 50).",
            (o, v) => o with { RecallQueries = Integer("--recall-queries", v, 1, 100_000) }),
    };

    public static IEnumerable<(string Name, string? Value, string Help)> Describe() =>
        Options.Select(o => (o.Name, o.Value, o.Help));

    public static bool IsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?" or "/?");

    public static SmokeOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SmokeOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? inlineValue = null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inlineValue = arg[(eq + 1)..];
            }

            Option? option = Options.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
            if (option is null)
                throw new UsageException(arg.StartsWith('-')
                    ? $"unknown option '{name}' (see --help)"
                    : $"unexpected argument '{arg}' (options start with --; see --help)");

            string value;
            if (option.Value is null)
            {
                if (inlineValue is not null && !bool.TryParse(inlineValue, out bool flag))
                    throw new UsageException($"option '{name}' takes no value (or true/false), got '{inlineValue}'");
                if (inlineValue is not null && !bool.Parse(inlineValue))
                    continue;
                value = "true";
            }
            else if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else
            {
                if (i + 1 >= args.Count)
                    throw new UsageException($"option '{name}' needs a value {option.Value}");
                value = args[++i];
            }
            options = option.Apply(options, value);
        }

        if (options.Filters.Count > 0 && options.BenchmarksAssembly is null)
            throw new UsageException("--filter needs --benchmarks ASSEMBLY");
        if (options.LocalArgs.Count > 0 && options.Url is not null)
            throw new UsageException("--local-args configures the embedded server and cannot be combined with --url");
        if (options.Limit > options.Points)
            throw new UsageException($"--limit {options.Limit} is larger than --points {options.Points}");
        return options;
    }

    public static string Usage()
    {
        var text = new StringBuilder();
        text.AppendLine("Usage: dotnet PerfTuner.Smoke.dll [options]");
        text.AppendLine("       dotnet PerfTuner.Smoke.dll gate-quality [--runs N] [--factor F] [options]");
        text.AppendLine();
        text.AppendLine("Options:");
        foreach (Option o in Options)
            text.AppendLine($"  {(o.Name + " " + (o.Value ?? "")).PadRight(30)} {o.Help}");
        text.AppendLine();
        text.AppendLine("Exit codes: 0 pass, 1 regression or budget failure, 2 usage, configuration or connection error.");
        return text.ToString();
    }

    private static string ParseUrl(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri? uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new UsageException($"--url must be an absolute http or https URL of Qdrant's gRPC port, got '{Safe(value)}'");
        return uri.ToString();
    }

    private static string ParseDistance(string value) =>
        value.Trim().ToLowerInvariant() switch
        {
            "cosine" => "Cosine",
            "dot" => "Dot",
            "euclid" or "euclidean" => "Euclid",
            "manhattan" => "Manhattan",
            _ => throw new UsageException($"--distance must be Cosine, Dot, Euclid or Manhattan, got '{value}'"),
        };

    private static string NonEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"option '{name}' needs a non-empty value") : value;

    private static double Number(string name, string value, double min, double max)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
            throw new UsageException($"option '{name}' needs a number, got '{value}'");
        if (number < min || number > max)
            throw new UsageException($"option '{name}' must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, got {value}");
        return number;
    }

    private static double? Optional(string name, string value, double min, double max) =>
        string.IsNullOrWhiteSpace(value) ? null : Number(name, value, min, max);

    private static int Integer(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number))
            throw new UsageException($"option '{name}' needs a whole number, got '{value}'");
        if (number < min || number > max)
            throw new UsageException($"option '{name}' must be between {min} and {max}, got {value}");
        return number;
    }

    /// <summary>Only the scheme, host and port of a URL: user info or query strings may carry credentials.</summary>
    public static string Safe(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : "(invalid URL)";

    /// <summary>Splits "--latency-factor 1.25 --latency-ms '3'" like a shell would (spaces, single and double quotes).</summary>
    public static IReadOnlyList<string> SplitArgs(string value)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        bool inToken = false;
        foreach (char c in value)
        {
            if (quote is not null)
            {
                if (c == quote) quote = null; else current.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken) { result.Add(current.ToString()); current.Clear(); inToken = false; }
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }
        if (quote is not null)
            throw new UsageException("--local-args has an unterminated quote");
        if (inToken)
            result.Add(current.ToString());
        return result;
    }
}
