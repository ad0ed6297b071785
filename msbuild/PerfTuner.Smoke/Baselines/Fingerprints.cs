using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using PerfTuner.Smoke.Cli;

namespace PerfTuner.Smoke.Baselines;

/// <summary>Builds the workload and environment records that make two runs comparable (or say why not).</summary>
public static class Fingerprints
{
    public static WorkloadInfo Workload(SmokeOptions o)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["samples"] = I(o.Samples),
            ["warmup"] = I(o.WarmupCount),
        };
        string kind;
        if (o.BenchmarksAssembly is { } assembly)
        {
            kind = "project";
            settings["assembly"] = Path.GetFileName(assembly);
            settings["filter"] = string.Join(";", o.Filters);
        }
        else
        {
            kind = "builtin";
            settings["points"] = I(o.Points);
            settings["dimensions"] = I(o.Dimensions);
            settings["distance"] = o.Distance;
            settings["hnswM"] = I(o.HnswM);
            settings["hnswEfConstruct"] = I(o.HnswEfConstruct);
            settings["searchEf"] = I(o.SearchEf);
            settings["limit"] = I(o.Limit);
            settings["concurrency"] = I(o.Concurrency);
            settings["batchSize"] = I(o.BatchSize);
            settings["seed"] = I(o.Seed);
            settings["qpsSeconds"] = o.QpsSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            settings["recallQueries"] = I(o.RecallQueries);
        }
        return new WorkloadInfo { Kind = kind, Fingerprint = Hash(kind, settings), Settings = settings };
    }

    public static EnvironmentInfo Environment(EndpointKind endpoint, string qdrantVersion) => new()
    {
        Machine = System.Environment.MachineName,
        Cores = System.Environment.ProcessorCount,
        Os = RuntimeInformation.OSDescription,
        Runtime = RuntimeInformation.FrameworkDescription,
        QdrantVersion = qdrantVersion,
        Endpoint = endpoint == EndpointKind.Embedded ? "embedded" : "url",
    };

    /// <summary>Human-readable differences between a baseline's environment and this one (empty = same).</summary>
    public static IReadOnlyList<string> Differences(EnvironmentInfo baseline, EnvironmentInfo current)
    {
        var list = new List<string>();
        void Check(string what, string a, string b)
        {
            if (!string.Equals(a, b, StringComparison.Ordinal)) list.Add($"{what} '{a}' → '{b}'");
        }
        Check("machine", baseline.Machine, current.Machine);
        Check("cores", I(baseline.Cores), I(current.Cores));
        Check("OS", baseline.Os, current.Os);
        Check("runtime", baseline.Runtime, current.Runtime);
        Check("Qdrant", baseline.QdrantVersion, current.QdrantVersion);
        Check("endpoint", baseline.Endpoint, current.Endpoint);
        return list;
    }

    public static IReadOnlyList<string> Differences(WorkloadInfo baseline, WorkloadInfo current)
    {
        if (baseline.Fingerprint == current.Fingerprint && baseline.Kind == current.Kind) return Array.Empty<string>();
        var list = new List<string>();
        if (baseline.Kind != current.Kind) list.Add($"kind '{baseline.Kind}' → '{current.Kind}'");
        foreach (string key in baseline.Settings.Keys.Union(current.Settings.Keys).Order(StringComparer.Ordinal))
        {
            baseline.Settings.TryGetValue(key, out string? a);
            current.Settings.TryGetValue(key, out string? b);
            if (a != b) list.Add($"{key} '{a ?? "-"}' → '{b ?? "-"}'");
        }
        if (list.Count == 0) list.Add($"fingerprint {baseline.Fingerprint} → {current.Fingerprint}");
        return list;
    }

    private static string Hash(string kind, IReadOnlyDictionary<string, string> settings)
    {
        var text = new StringBuilder(kind);
        foreach (var (k, v) in settings.OrderBy(p => p.Key, StringComparer.Ordinal)) text.Append('\n').Append(k).Append('=').Append(v);
        return "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
