using System.Text;
using PerfTuner.Smoke.Diagnostics;
using PerfTuner.Smoke.Gate;

namespace PerfTuner.Smoke.Reports;

/// <summary>The console summary: one row per benchmark with the numbers the gate decided on.</summary>
public static class ConsoleTable
{
    public static readonly string[] Headers = { "benchmark", "baseline p95", "current p95", "change", "p-value", "verdict", "QPS", "recall" };

    public static IEnumerable<string[]> Rows(RunRecord record) => record.Comparisons.Select(c => new[]
    {
        c.Name,
        c.Baseline is { } b ? SmokeRunner.Ms(b.P95Ms) + " ms" : "-",
        SmokeRunner.Ms(c.Current.Summary.P95) + " ms",
        c.ChangePercent is { } pct ? $"{pct:+0.0;-0.0;0.0}%" : "-",
        c.PValue is { } p ? (p < 0.001 ? "<0.001" : p.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)) : "-",
        VerdictText(c),
        c.Current.Qps is { } q ? q.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "-",
        c.Current.Recall is { } r ? r.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "-",
    });

    public static string VerdictText(Comparison c) => c.Verdict switch
    {
        Verdict.New => "new",
        Verdict.Pass => "ok",
        Verdict.Improved => "faster",
        Verdict.NotConfirmed => "ok (not confirmed)",
        Verdict.Regressed => c.LatencyRegressed && c.RecallRegressed ? "REGRESSED (p95, recall)" : c.LatencyRegressed ? "REGRESSED" : "REGRESSED (recall)",
        _ => c.Verdict.ToString(),
    };

    public static void Write(RunRecord record, SmokeOutput output)
    {
        var rows = Rows(record).ToList();
        int[] widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        string Line(string[] cells) => "  " + string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
        output.Info("");
        output.Info(Line(Headers));
        output.Info("  " + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (string[] row in rows)
            output.Info(Line(row));
        var s = record.Comparisons.FirstOrDefault()?.Current.Summary;
        if (s is not null)
        {
            var detail = new StringBuilder($"  {record.Comparisons[0].Name}: n={s.N} p50 {SmokeRunner.Ms(s.P50)} ms, p95 {SmokeRunner.Ms(s.P95)} ms, p99 {SmokeRunner.Ms(s.P99)} ms, max {SmokeRunner.Ms(s.Max)} ms");
            if (record.Upsert is { } u) detail.Append($"; upsert {u.PointsPerSecond:F0} points/s");
            output.Info(detail.ToString());
        }
        output.Info("");
    }
}
