namespace PerfTuner.Smoke.Diagnostics;

/// <summary>The build diagnostics of the perf smoke (DESIGN.md), plus the runner's own usage/internal codes.</summary>
public static class DiagnosticCodes
{
    public const string P95Regression = "PT1001";
    public const string BudgetExceeded = "PT1002";
    public const string Unreachable = "PT1003";
    public const string BaselineInvalid = "PT1004";
    public const string RecallRegression = "PT1005";
    public const string DifferentWorkload = "PT1006";
    public const string BaselineWritten = "PT1007";
    /// <summary>Invalid command line or configuration (exit 2).</summary>
    public const string Usage = "PT1008";
    /// <summary>Cancelled, or an unexpected failure caught at the top (exit 2).</summary>
    public const string Internal = "PT1009";
}

public enum Severity { Error, Warning, Message }

/// <summary>One diagnostic line. <see cref="File"/> null means the canonical origin form "PerfTuner : error …".</summary>
public sealed record SmokeDiagnostic(string Code, Severity Severity, string Message, string? File = null, int Line = 0, int Column = 0)
{
    public const string Origin = "PerfTuner";

    /// <summary>The canonical MSBuild form that ToolTask's canonical-error parsing recognises.</summary>
    public string ToCanonicalLine()
    {
        string category = Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "message" };
        // Messages are never turned into errors by MSBuild; the text stays on one line so annotators keep it whole.
        string text = Message.ReplaceLineEndings(" ");
        if (File is null)
            return $"{Origin} : {category} {Code}: {text}";
        string location = Line > 0 ? $"({Line},{Math.Max(Column, 1)})" : "";
        return $"{File}{location}: {category} {Code}: {text}";
    }
}
