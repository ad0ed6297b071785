using System.Text;
using PerfTuner.Smoke.Baselines;

namespace PerfTuner.Smoke.Tests;

public class BaselineTests
{
    internal static Baseline Sample(double scale = 1) => new()
    {
        Tool = "PerfTuner.Smoke test",
        CreatedUtc = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero),
        Workload = new WorkloadInfo { Kind = "builtin", Fingerprint = "sha256:0123456789abcdef", Settings = new SortedDictionary<string, string> { ["points"] = "500", ["limit"] = "10" } },
        Environment = new EnvironmentInfo { Machine = "ci-1", Cores = 2, Os = "Linux", Runtime = ".NET 10.0", QdrantVersion = "qdrant 1.15.0", Endpoint = "url" },
        Benchmarks = new[]
        {
            new BaselineBenchmark { Name = "search", N = 4, P50Ms = 1.5 * scale, P95Ms = 2.5 * scale, P99Ms = 2.9 * scale, MaxMs = 3 * scale, Qps = 812.3, Recall = 0.985, SamplesMs = new[] { 3 * scale, 1 * scale, 2 * scale, 1.25 * scale } },
        },
    };

    [Fact]
    public void Round_trip_keeps_every_field_and_sorts_samples()
    {
        byte[] bytes = BaselineFile.Serialize(Sample());
        Baseline read = BaselineFile.Parse(bytes);
        Assert.Equal(1, read.SchemaVersion);
        Assert.Equal("PerfTuner.Smoke test", read.Tool);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero), read.CreatedUtc);
        Assert.Equal("sha256:0123456789abcdef", read.Workload.Fingerprint);
        Assert.Equal("500", read.Workload.Settings["points"]);
        Assert.Equal("qdrant 1.15.0", read.Environment.QdrantVersion);
        Assert.Equal(2, read.Environment.Cores);
        var b = Assert.Single(read.Benchmarks);
        Assert.Equal(("search", 4, 1.5, 2.5, 2.9, 3.0), (b.Name, b.N, b.P50Ms, b.P95Ms, b.P99Ms, b.MaxMs));
        Assert.Equal(812.3, b.Qps);
        Assert.Equal(0.985, b.Recall);
        Assert.Equal(new[] { 1, 1.25, 2, 3 }, b.SamplesMs);
        Assert.True(b.Line > 1 && b.Column > 1, "the entry remembers where it is, for PT1001 locations");
        // Stable output: serializing what was read gives the same bytes (diff-friendly).
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(BaselineFile.Serialize(read with { })));
    }

    [Fact]
    public void The_file_is_readable_in_a_diff()
    {
        string text = Encoding.UTF8.GetString(BaselineFile.Serialize(Sample()));
        Assert.Contains("\"schemaVersion\": 1,", text);
        Assert.Contains("\n      \"p95Ms\": 2.5,", text);
        Assert.DoesNotContain("\\u", text);
    }

    /// <summary>Replaces the first occurrence of a fragment of a valid baseline and expects PT1004 at (line, column).</summary>
    private static JsonLocationException Broken(string find, string replace)
    {
        string text = Encoding.UTF8.GetString(BaselineFile.Serialize(Sample()));
        Assert.Contains(find, text);
        int at = text.IndexOf(find, StringComparison.Ordinal);
        text = text[..at] + replace + text[(at + find.Length)..];
        return Assert.Throws<JsonLocationException>(() => BaselineFile.Parse(Encoding.UTF8.GetBytes(text)));
    }

    private static (int Line, int Column) PositionOf(string text, string fragment)
    {
        int at = text.IndexOf(fragment, StringComparison.Ordinal);
        string before = text[..at];
        int line = before.Count(c => c == '\n') + 1;
        int column = at - (before.LastIndexOf('\n') + 1) + 1;
        return (line, column);
    }

    private static void AssertAt(JsonLocationException e, string replacedText, string fragment)
    {
        var (line, column) = PositionOf(replacedText, fragment);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    private static string Replaced(string find, string replace)
    {
        string text = Encoding.UTF8.GetString(BaselineFile.Serialize(Sample()));
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }

    [Fact]
    public void Wrong_type_points_at_the_value()
    {
        var e = Broken("\"p95Ms\": 2.5", "\"p95Ms\": \"fast\"");
        Assert.Contains("\"p95Ms\" must be a number", e.Message);
        Assert.Contains("\"fast\"", e.Message);
        AssertAt(e, Replaced("\"p95Ms\": 2.5", "\"p95Ms\": \"fast\""), "\"fast\"");
    }

    [Fact]
    public void NaN_literal_is_malformed_JSON_with_its_position()
    {
        var e = Broken("\"p50Ms\": 1.5", "\"p50Ms\": NaN");
        Assert.StartsWith("malformed JSON", e.Message);
        AssertAt(e, Replaced("\"p50Ms\": 1.5", "\"p50Ms\": NaN"), "NaN");
    }

    [Fact]
    public void NaN_string_is_rejected_as_not_finite()
    {
        var e = Broken("\"p99Ms\": 2.9", "\"p99Ms\": \"NaN\"");
        Assert.Contains("finite", e.Message);
        AssertAt(e, Replaced("\"p99Ms\": 2.9", "\"p99Ms\": \"NaN\""), "\"NaN\"");
    }

    [Theory]
    [InlineData("1e400", "out of range")]
    [InlineData("-2.5", "must not be negative")]
    [InlineData("99999999999", "not a plausible latency")]
    public void Huge_or_negative_numbers_are_rejected_where_they_are(string value, string message)
    {
        var e = Broken("\"p95Ms\": 2.5", "\"p95Ms\": " + value);
        Assert.Contains(message, e.Message);
        AssertAt(e, Replaced("\"p95Ms\": 2.5", "\"p95Ms\": " + value), value);
    }

    [Fact]
    public void Huge_sample_count_is_rejected()
    {
        var e = Broken("\"n\": 4", "\"n\": 4000000000");
        Assert.Contains("\"n\" must be a whole number", e.Message);
        AssertAt(e, Replaced("\"n\": 4", "\"n\": 4000000000"), "4000000000");
    }

    [Fact]
    public void Unknown_schema_version_points_at_the_version()
    {
        var e = Broken("\"schemaVersion\": 1", "\"schemaVersion\": 2");
        Assert.Contains("unknown schemaVersion 2", e.Message);
        Assert.Equal((2, 20), (e.Line, e.Column));
    }

    [Fact]
    public void Truncated_file_reports_where_it_ends()
    {
        string text = Encoding.UTF8.GetString(BaselineFile.Serialize(Sample()));
        string truncated = text[..(text.IndexOf("\"samplesMs\"", StringComparison.Ordinal) + 16)];
        var e = Assert.Throws<JsonLocationException>(() => BaselineFile.Parse(Encoding.UTF8.GetBytes(truncated)));
        Assert.StartsWith("malformed JSON", e.Message);
        int lastLine = truncated.Count(c => c == '\n') + 1;
        Assert.Equal(lastLine, e.Line);
        Assert.True(e.Column >= 1);
    }

    [Fact]
    public void Samples_that_disagree_with_n_are_rejected()
    {
        var e = Broken("\"n\": 4", "\"n\": 5");
        Assert.Contains("has 4 values but \"n\" is 5", e.Message);
    }

    [Fact]
    public void Missing_property_points_at_its_object()
    {
        var e = Broken("\"name\": \"search\",", "");
        Assert.Contains("missing property \"name\"", e.Message);
    }

    [Fact]
    public void Duplicate_property_is_rejected()
    {
        var e = Broken("\"p95Ms\": 2.5,", "\"p95Ms\": 2.5, \"p95Ms\": 2.6,");
        Assert.Contains("duplicate property", e.Message);
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("[1, 2]", 1, 1)]
    [InlineData("{\"schemaVersion\": 1}", 1, 1)]
    public void Hostile_documents_get_a_location(string text, int line, int column)
    {
        var e = Assert.Throws<JsonLocationException>(() => BaselineFile.Parse(Encoding.UTF8.GetBytes(text)));
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Fact]
    public void Deep_nesting_is_rejected_not_overflowed()
    {
        string text = new string('[', 10_000) + new string(']', 10_000);
        var e = Assert.Throws<JsonLocationException>(() => BaselineFile.Parse(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(1, e.Line);
        Assert.Equal(65, e.Column); // the 65th bracket exceeds the maximum depth of 64
    }

    [Fact]
    public void Columns_count_characters_not_bytes()
    {
        // "é" is two bytes in UTF-8; an editor shows the bad value at column 32 (byte 33).
        var e = Assert.Throws<JsonLocationException>(() => BaselineFile.Parse(Encoding.UTF8.GetBytes("{\"tool\": \"é\", \"schemaVersion\": \"x\"}")));
        Assert.Equal((1, 32), (e.Line, e.Column));
    }
}
