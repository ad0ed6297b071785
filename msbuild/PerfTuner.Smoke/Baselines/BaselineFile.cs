using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PerfTuner.Smoke.Baselines;

/// <summary>Reads and writes baselines. Every problem in a file becomes a <see cref="JsonLocationException"/> (PT1004).</summary>
public static class BaselineFile
{
    public const long MaxBytes = 64L * 1024 * 1024;
    private const double MaxLatencyMs = 3_600_000; // an hour per call is certainly not a real measurement
    private const int MaxSamples = 1_000_000;

    public static Baseline Read(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxBytes)
            throw new JsonLocationException($"the file is {info.Length} bytes; a baseline is at most {MaxBytes} bytes", 1, 1);
        return Parse(File.ReadAllBytes(path));
    }

    public static Baseline Parse(byte[] utf8)
    {
        JsonNode root = PositionedJson.Parse(utf8);
        var r = new Reader(root);
        Obj(root, "the baseline");

        JsonNode version = r.Required(root, "schemaVersion");
        if (version.Kind != JsonKind.Number || version.Number is not { } v || v != Math.Floor(v))
            throw At(version, $"\"schemaVersion\" must be a whole number, found {version.Describe()}");
        if (v != Baseline.CurrentSchemaVersion)
            throw At(version, $"unknown schemaVersion {version.RawNumber}; this runner reads schemaVersion {Baseline.CurrentSchemaVersion} (re-create the baseline with --update-baseline)");

        JsonNode workload = Obj(r.Required(root, "workload"), "\"workload\"");
        JsonNode environment = Obj(r.Required(root, "environment"), "\"environment\"");
        JsonNode benchmarks = r.Required(root, "benchmarks");
        if (benchmarks.Kind != JsonKind.Array)
            throw At(benchmarks, $"\"benchmarks\" must be an array, found {benchmarks.Describe()}");
        if (benchmarks.Items.Count == 0)
            throw At(benchmarks, "\"benchmarks\" is empty");

        var settingsNode = Obj(r.Required(workload, "settings"), "\"workload.settings\"");
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in settingsNode.Properties)
            settings[key] = value.Kind == JsonKind.String ? value.String! : throw At(value, $"workload setting \"{key}\" must be a string, found {value.Describe()}");

        var list = new List<BaselineBenchmark>();
        foreach (JsonNode b in benchmarks.Items)
        {
            Obj(b, "each benchmark");
            string name = r.String(b, "name");
            if (list.Any(x => x.Name == name))
                throw At(b, $"benchmark \"{name}\" appears twice");
            JsonNode samplesNode = r.Required(b, "samplesMs");
            if (samplesNode.Kind != JsonKind.Array)
                throw At(samplesNode, $"\"samplesMs\" must be an array of numbers, found {samplesNode.Describe()}");
            int n = r.Integer(b, "n", 1, MaxSamples);
            if (samplesNode.Items.Count != n)
                throw At(samplesNode, $"\"samplesMs\" has {samplesNode.Items.Count} values but \"n\" is {n}");
            var samples = samplesNode.Items.Select(s => Latency(s, "a sample")).ToArray();
            list.Add(new BaselineBenchmark
            {
                Name = name,
                N = n,
                P50Ms = r.Latency(b, "p50Ms"),
                P95Ms = r.Latency(b, "p95Ms"),
                P99Ms = r.Latency(b, "p99Ms"),
                MaxMs = r.Latency(b, "maxMs"),
                Qps = r.OptionalNumber(b, "qps", 0, 1e9),
                Recall = r.OptionalNumber(b, "recall", 0, 1),
                SamplesMs = samples,
                Line = b.Line,
                Column = b.Column,
            });
        }

        return new Baseline
        {
            SchemaVersion = (int)v,
            Tool = r.OptionalString(root, "tool") ?? "",
            CreatedUtc = r.OptionalString(root, "createdUtc") is { } created
                ? DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
                    : throw At(r.Required(root, "createdUtc"), $"\"createdUtc\" is not a date: \"{created}\"")
                : default,
            Workload = new WorkloadInfo { Kind = r.String(workload, "kind"), Fingerprint = r.String(workload, "fingerprint"), Settings = settings },
            Environment = new EnvironmentInfo
            {
                Machine = r.String(environment, "machine"),
                Cores = r.Integer(environment, "cores", 1, 65_536),
                Os = r.String(environment, "os"),
                Runtime = r.String(environment, "runtime"),
                QdrantVersion = r.String(environment, "qdrantVersion"),
                Endpoint = r.String(environment, "endpoint"),
            },
            Benchmarks = list,
        };
    }

    public static void Write(string path, Baseline baseline)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        // Write next to the target and move, so an interrupted write never leaves half a baseline.
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, Serialize(baseline));
        File.Move(temp, path, overwrite: true);
    }

    public static byte[] Serialize(Baseline baseline)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", baseline.SchemaVersion);
            w.WriteString("tool", baseline.Tool);
            w.WriteString("createdUtc", baseline.CreatedUtc.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteStartObject("workload");
            w.WriteString("kind", baseline.Workload.Kind);
            w.WriteString("fingerprint", baseline.Workload.Fingerprint);
            w.WriteStartObject("settings");
            foreach (var (key, value) in baseline.Workload.Settings.OrderBy(p => p.Key, StringComparer.Ordinal))
                w.WriteString(key, value);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("environment");
            w.WriteString("machine", baseline.Environment.Machine);
            w.WriteNumber("cores", baseline.Environment.Cores);
            w.WriteString("os", baseline.Environment.Os);
            w.WriteString("runtime", baseline.Environment.Runtime);
            w.WriteString("qdrantVersion", baseline.Environment.QdrantVersion);
            w.WriteString("endpoint", baseline.Environment.Endpoint);
            w.WriteEndObject();
            w.WriteStartArray("benchmarks");
            foreach (BaselineBenchmark b in baseline.Benchmarks)
            {
                w.WriteStartObject();
                w.WriteString("name", b.Name);
                w.WriteNumber("n", b.N);
                w.WriteNumber("p50Ms", Round(b.P50Ms));
                w.WriteNumber("p95Ms", Round(b.P95Ms));
                w.WriteNumber("p99Ms", Round(b.P99Ms));
                w.WriteNumber("maxMs", Round(b.MaxMs));
                if (b.Qps is { } qps) w.WriteNumber("qps", Math.Round(qps, 1));
                if (b.Recall is { } recall) w.WriteNumber("recall", Math.Round(recall, 4));
                w.WriteStartArray("samplesMs");
                foreach (double s in b.SamplesMs.Order())
                    w.WriteNumberValue(Round(s));
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    /// <summary>0.1 µs resolution: far finer than the 1 % the gate needs, coarse enough to keep the file short.</summary>
    public static double Round(double ms) => Math.Round(ms, 4);

    private static JsonLocationException At(JsonNode node, string message) => new(message, node.Line, node.Column);

    private static JsonNode Obj(JsonNode node, string what) =>
        node.Kind == JsonKind.Object ? node : throw At(node, $"{what} must be an object, found {node.Describe()}");

    private static double Latency(JsonNode node, string what)
    {
        double value = FiniteNumber(node, what);
        if (value < 0) throw At(node, $"{what} must not be negative, found {node.RawNumber}");
        if (value > MaxLatencyMs) throw At(node, $"{what} of {node.RawNumber} ms is not a plausible latency (more than an hour)");
        return value;
    }

    private static double FiniteNumber(JsonNode node, string what)
    {
        if (node.Kind == JsonKind.String && node.String is { } s && (s.Contains("NaN", StringComparison.OrdinalIgnoreCase) || s.Contains("Infinity", StringComparison.OrdinalIgnoreCase)))
            throw At(node, $"{what} must be a finite number, found {node.Describe()}");
        if (node.Kind != JsonKind.Number)
            throw At(node, $"{what} must be a number, found {node.Describe()}");
        return node.Number ?? throw At(node, $"{what} is out of range: {node.Describe()}");
    }

    private sealed class Reader(JsonNode root)
    {
        private readonly JsonNode _root = root;

        public JsonNode Required(JsonNode obj, string key)
        {
            foreach (var (k, v) in obj.Properties)
                if (k == key) return v;
            throw At(obj, $"missing property \"{key}\"{(obj == _root ? "" : " in this object")}");
        }

        public JsonNode? Optional(JsonNode obj, string key) =>
            obj.Properties.FirstOrDefault(p => p.Key == key).Value is { Kind: not JsonKind.Null } v ? v : null;

        public string String(JsonNode obj, string key)
        {
            JsonNode node = Required(obj, key);
            return node.Kind == JsonKind.String ? node.String! : throw At(node, $"\"{key}\" must be a string, found {node.Describe()}");
        }

        public string? OptionalString(JsonNode obj, string key)
        {
            JsonNode? node = Optional(obj, key);
            return node is null ? null : node.Kind == JsonKind.String ? node.String : throw At(node, $"\"{key}\" must be a string, found {node.Describe()}");
        }

        public int Integer(JsonNode obj, string key, int min, int max)
        {
            JsonNode node = Required(obj, key);
            double value = FiniteNumber(node, $"\"{key}\"");
            if (value != Math.Floor(value) || value < min || value > max)
                throw At(node, $"\"{key}\" must be a whole number from {min} to {max}, found {node.RawNumber}");
            return (int)value;
        }

        public double Latency(JsonNode obj, string key) => BaselineFile.Latency(Required(obj, key), $"\"{key}\"");

        public double? OptionalNumber(JsonNode obj, string key, double min, double max)
        {
            JsonNode? node = Optional(obj, key);
            if (node is null) return null;
            double value = FiniteNumber(node, $"\"{key}\"");
            if (value < min || value > max)
                throw At(node, $"\"{key}\" must be from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, found {node.RawNumber}");
            return value;
        }
    }
}
