using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Diagnostics;
using PerfTuner.Smoke.Gate;
using PerfTuner.Smoke.Statistics;

namespace PerfTuner.Smoke.Reports;

/// <summary>
/// perf-smoke.json (BenchmarkDotNet's full JSON export plus the verdicts), perf-smoke.md (also appended to
/// $GITHUB_STEP_SUMMARY) and perf-smoke.html (inline SVG latency CDFs, no external assets). Every file passes
/// through the secret redactor.
/// </summary>
public static class ReportWriter
{
    public const string JsonName = "perf-smoke.json";
    public const string MarkdownName = "perf-smoke.md";
    public const string HtmlName = "perf-smoke.html";

    public static void WriteAll(RunRecord record, SmokeOptions options, SmokeOutput output)
    {
        Write(Path.Combine(options.ReportDir, JsonName), Json(record, options), output);
        string markdown = Markdown(record, options);
        Write(Path.Combine(options.ReportDir, MarkdownName), markdown, output);
        Write(Path.Combine(options.ReportDir, HtmlName), Html(record, options), output);
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summary)
            File.AppendAllText(summary, output.Redact(markdown) + "\n");
        output.Progress("report", $"{Path.Combine(options.ReportDir, HtmlName)} (and .json, .md)");
    }

    private static void Write(string path, string text, SmokeOutput output) =>
        File.WriteAllText(path, output.Redact(text), new UTF8Encoding(false));

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Json(RunRecord r, SmokeOptions options)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("tool", r.Tool);
            w.WriteString("startedUtc", r.StartedUtc.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", Inv));
            w.WriteString("result", r.Result);
            w.WriteNumber("exitCode", r.ExitCode);
            w.WriteNumber("wallSeconds", Math.Round(r.WallSeconds, 2));
            w.WriteString("baseline", r.BaselinePath);
            w.WriteBoolean("baselineWritten", r.BaselineWritten);
            w.WriteString("endpoint", r.Endpoint);
            if (r.Collection is not null) w.WriteString("collection", r.Collection);
            w.WriteStartObject("gate");
            w.WriteNumber("tolerancePercent", options.TolerancePercent);
            w.WriteNumber("alpha", options.Alpha);
            w.WriteNumber("noiseFloorMs", options.NoiseFloorMs);
            w.WriteNumber("recallTolerance", options.RecallTolerance);
            w.WriteBoolean("confirm", options.Confirm);
            w.WriteEndObject();
            if (r.Workload is { } wl)
            {
                w.WriteStartObject("workload");
                w.WriteString("kind", wl.Kind);
                w.WriteString("fingerprint", wl.Fingerprint);
                w.WriteStartObject("settings");
                foreach (var (k, v) in wl.Settings) w.WriteString(k, v);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            if (r.Environment is { } env)
            {
                w.WriteStartObject("environment");
                w.WriteString("machine", env.Machine);
                w.WriteNumber("cores", env.Cores);
                w.WriteString("os", env.Os);
                w.WriteString("runtime", env.Runtime);
                w.WriteString("qdrantVersion", env.QdrantVersion);
                w.WriteString("endpoint", env.Endpoint);
                w.WriteEndObject();
            }
            if (r.LoadAverage is { } load) w.WriteNumber("loadAverage1m", load);
            if (r.Upsert is { } u)
            {
                w.WriteStartObject("upsert");
                w.WriteNumber("points", u.Points);
                w.WriteNumber("seconds", Math.Round(u.Seconds, 3));
                w.WriteNumber("pointsPerSecond", Math.Round(u.PointsPerSecond, 1));
                w.WriteEndObject();
            }
            w.WriteStartArray("benchmarks");
            foreach (Comparison c in r.Comparisons)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("verdict", c.Verdict.ToString().ToLowerInvariant());
                WriteSummary(w, "current", c.Current.Summary, c.Current.Qps, c.Current.Recall);
                if (c.Baseline is { } b)
                {
                    w.WriteStartObject("baseline");
                    w.WriteNumber("n", b.N);
                    w.WriteNumber("p50Ms", b.P50Ms);
                    w.WriteNumber("p95Ms", b.P95Ms);
                    w.WriteNumber("p99Ms", b.P99Ms);
                    w.WriteNumber("maxMs", b.MaxMs);
                    if (b.Qps is { } q) w.WriteNumber("qps", q);
                    if (b.Recall is { } rc) w.WriteNumber("recall", rc);
                    w.WriteEndObject();
                    WriteStats(w, c);
                }
                if (c.Confirmation is { } again)
                {
                    w.WriteStartObject("confirmation");
                    WriteSummary(w, "current", again.Current.Summary, again.Current.Qps, again.Current.Recall);
                    WriteStats(w, again);
                    w.WriteEndObject();
                }
                w.WriteStartArray("samplesMs");
                foreach (double s in c.Current.SamplesMs) w.WriteNumberValue(Math.Round(s, 4));
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("diagnostics");
            foreach (SmokeDiagnostic d in r.Diagnostics)
            {
                w.WriteStartObject();
                w.WriteString("code", d.Code);
                w.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
                w.WriteString("message", d.Message);
                if (d.File is not null)
                {
                    w.WriteString("file", d.File);
                    w.WriteNumber("line", d.Line);
                    w.WriteNumber("column", d.Column);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("phasesSeconds");
            foreach (var (phase, seconds) in r.Phases) w.WriteNumber(phase, Math.Round(seconds, 3));
            w.WriteEndObject();
            // BenchmarkDotNet's own full JSON export, one per run (the first measurement, then any re-measurement).
            w.WriteStartArray("benchmarkDotNet");
            foreach (string json in r.BenchmarkDotNetJson)
            {
                try
                {
                    using var doc = JsonDocument.Parse(json);
                    doc.RootElement.WriteTo(w);
                }
                catch (JsonException)
                {
                    w.WriteStringValue(json); // kept verbatim if it is not strict JSON
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteSummary(Utf8JsonWriter w, string name, LatencySummary s, double? qps, double? recall)
    {
        w.WriteStartObject(name);
        w.WriteNumber("n", s.N);
        w.WriteNumber("p50Ms", Math.Round(s.P50, 4));
        w.WriteNumber("p95Ms", Math.Round(s.P95, 4));
        w.WriteNumber("p99Ms", Math.Round(s.P99, 4));
        w.WriteNumber("maxMs", Math.Round(s.Max, 4));
        w.WriteNumber("meanMs", Math.Round(s.Mean, 4));
        if (qps is { } q) w.WriteNumber("qps", Math.Round(q, 1));
        if (recall is { } r) w.WriteNumber("recall", Math.Round(r, 4));
        w.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter w, Comparison c)
    {
        if (c.Ratio is { } ratio && double.IsFinite(ratio)) w.WriteNumber("p95Ratio", Math.Round(ratio, 4));
        if (c.ChangePercent is { } pct && double.IsFinite(pct)) w.WriteNumber("changePercent", Math.Round(pct, 2));
        if (c.PValue is { } p) w.WriteNumber("pValue", p);
        if (c.RatioLowerBound is { } lb && double.IsFinite(lb)) w.WriteNumber("p95RatioLowerBound", Math.Round(lb, 4));
        w.WriteBoolean("latencyRegressed", c.LatencyRegressed);
        w.WriteBoolean("recallRegressed", c.RecallRegressed);
    }

    public static string Markdown(RunRecord r, SmokeOptions options)
    {
        var md = new StringBuilder();
        string icon = r.Result switch { "pass" => "✅", "fail" => "❌", _ => "⚠️" };
        md.AppendLine($"## {icon} PerfTuner perf smoke: {r.Result}");
        md.AppendLine();
        md.AppendLine($"Endpoint: {r.Endpoint}; baseline: `{Path.GetFileName(r.BaselinePath)}`; gate: p95 +{options.TolerancePercent.ToString(Inv)}% and significant at α = {options.Alpha.ToString(Inv)} and above {options.NoiseFloorMs.ToString(Inv)} ms; wall {r.WallSeconds:F1} s.");
        md.AppendLine();
        if (r.Comparisons.Count > 0)
        {
            md.AppendLine("| " + string.Join(" | ", ConsoleTable.Headers) + " |");
            md.AppendLine("|" + string.Join("|", ConsoleTable.Headers.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
            foreach (string[] row in ConsoleTable.Rows(r))
                md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|"))) + " |");
            md.AppendLine();
        }
        if (r.Upsert is { } u)
            md.AppendLine($"Upsert: {u.Points} points in {u.Seconds:F2} s ({u.PointsPerSecond:F0} points/s).").AppendLine();
        if (r.Diagnostics.Count > 0)
        {
            foreach (SmokeDiagnostic d in r.Diagnostics)
                md.AppendLine($"- **{d.Code}** ({d.Severity.ToString().ToLowerInvariant()}): {d.Message}");
            md.AppendLine();
        }
        return md.ToString();
    }

    public static string Html(RunRecord r, SmokeOptions options)
    {
        var h = new StringBuilder();
        h.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>PerfTuner perf smoke</title>");
        h.AppendLine("<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}.fail{color:#b00020;font-weight:bold}.pass{color:#1b7f3b}svg{background:#fff;border:1px solid #ddd;margin:1em 0}</style>");
        h.AppendLine("</head><body>");
        h.AppendLine($"<h1>PerfTuner perf smoke: <span class=\"{(r.ExitCode == 0 ? "pass" : "fail")}\">{E(r.Result)}</span></h1>");
        h.AppendLine($"<p>Endpoint {E(r.Endpoint)} · baseline {E(Path.GetFileName(r.BaselinePath))} · {E(r.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv))} UTC · wall {r.WallSeconds.ToString("F1", Inv)} s</p>");
        h.AppendLine("<table><tr>" + string.Join("", ConsoleTable.Headers.Select(x => $"<th>{E(x)}</th>")) + "</tr>");
        foreach (string[] row in ConsoleTable.Rows(r))
            h.AppendLine("<tr>" + string.Join("", row.Select(c => $"<td>{E(c)}</td>")) + "</tr>");
        h.AppendLine("</table>");
        if (r.Diagnostics.Count > 0)
        {
            h.AppendLine("<ul>");
            foreach (SmokeDiagnostic d in r.Diagnostics)
                h.AppendLine($"<li><b>{E(d.Code)}</b> {E(d.Severity.ToString().ToLowerInvariant())}: {E(d.Message)}</li>");
            h.AppendLine("</ul>");
        }
        foreach (Comparison c in r.Comparisons)
        {
            h.AppendLine($"<h2>{E(c.Name)}: latency CDF</h2>");
            h.AppendLine(CdfSvg(c.Baseline?.SamplesMs, c.Current.SamplesMs));
        }
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    /// <summary>Empirical CDFs of baseline (grey) and current (blue), x up to the larger p99.5 so the body stays readable.</summary>
    public static string CdfSvg(IReadOnlyList<double>? baseline, IReadOnlyList<double> current)
    {
        const int W = 720, H = 360, L = 60, R = 20, T = 20, B = 50;
        double[] cur = Quantiles.Sorted(current);
        double[]? bas = baseline is null ? null : Quantiles.Sorted(baseline);
        double xMin = Math.Min(cur[0], bas?[0] ?? cur[0]);
        double xMax = Math.Max(Quantiles.Of(cur, 0.995), bas is null ? 0 : Quantiles.Of(bas, 0.995));
        if (xMax <= xMin) xMax = xMin + 1e-3;
        double X(double v) => L + (Math.Min(v, xMax) - xMin) / (xMax - xMin) * (W - L - R);
        double Y(double p) => T + (1 - p) * (H - T - B);
        string F(double v) => v.ToString("F1", Inv);

        string Polyline(double[] sorted, string colour, string name)
        {
            var points = new StringBuilder();
            for (int i = 0; i < sorted.Length; i++)
                points.Append($"{F(X(sorted[i]))},{F(Y((i + 1.0) / sorted.Length))} ");
            return $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points.ToString().TrimEnd()}\"><title>{name}</title></polyline>";
        }

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"latency CDF\">");
        svg.Append($"<line x1=\"{L}\" y1=\"{H - B}\" x2=\"{W - R}\" y2=\"{H - B}\" stroke=\"#444\"/><line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{H - B}\" stroke=\"#444\"/>");
        for (int i = 0; i <= 5; i++)
        {
            double v = xMin + i * (xMax - xMin) / 5;
            svg.Append($"<text x=\"{F(X(v))}\" y=\"{H - B + 18}\" font-size=\"11\" text-anchor=\"middle\">{v.ToString("0.###", Inv)}</text>");
        }
        foreach (double p in new[] { 0.0, 0.5, 0.95, 1.0 })
        {
            svg.Append($"<text x=\"{L - 6}\" y=\"{F(Y(p) + 4)}\" font-size=\"11\" text-anchor=\"end\">{p.ToString("0.##", Inv)}</text>");
            if (p is 0.5 or 0.95)
                svg.Append($"<line x1=\"{L}\" y1=\"{F(Y(p))}\" x2=\"{W - R}\" y2=\"{F(Y(p))}\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>");
        }
        svg.Append($"<text x=\"{(L + W - R) / 2}\" y=\"{H - 10}\" font-size=\"12\" text-anchor=\"middle\">latency (ms)</text>");
        if (bas is not null) svg.Append(Polyline(bas, "#888888", "baseline"));
        svg.Append(Polyline(cur, "#1f5fbf", "current"));
        svg.Append($"<rect x=\"{W - R - 150}\" y=\"{T + 150}\" width=\"140\" height=\"{(bas is null ? 24 : 44)}\" fill=\"#fff\" stroke=\"#ccc\"/>");
        svg.Append($"<line x1=\"{W - R - 140}\" y1=\"{T + 162}\" x2=\"{W - R - 115}\" y2=\"{T + 162}\" stroke=\"#1f5fbf\" stroke-width=\"2\"/><text x=\"{W - R - 108}\" y=\"{T + 166}\" font-size=\"12\">current</text>");
        if (bas is not null)
            svg.Append($"<line x1=\"{W - R - 140}\" y1=\"{T + 182}\" x2=\"{W - R - 115}\" y2=\"{T + 182}\" stroke=\"#888888\" stroke-width=\"2\"/><text x=\"{W - R - 108}\" y=\"{T + 186}\" font-size=\"12\">baseline</text>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
