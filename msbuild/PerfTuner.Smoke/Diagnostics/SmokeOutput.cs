using System.Text;

namespace PerfTuner.Smoke.Diagnostics;

/// <summary>
/// Every line the runner prints goes through here, so the API key is scrubbed in one place, progress lines never
/// look like canonical errors, and diagnostics are collected for the reports.
/// </summary>
public sealed class SmokeOutput
{
    private readonly TextWriter _writer;
    private readonly List<SmokeDiagnostic> _diagnostics = new();
    private readonly object _gate = new();
    private readonly List<string> _secrets = new();

    public SmokeOutput(TextWriter writer) => _writer = writer;

    public IReadOnlyList<SmokeDiagnostic> Diagnostics { get { lock (_gate) return _diagnostics.ToArray(); } }

    public bool HasErrors { get { lock (_gate) return _diagnostics.Any(d => d.Severity == Severity.Error); } }

    /// <summary>Registers a value (an API key) that must never be printed or written to a report.</summary>
    public void AddSecret(string? secret)
    {
        if (!string.IsNullOrEmpty(secret))
            lock (_gate) _secrets.Add(secret);
    }

    public string Redact(string text)
    {
        lock (_gate)
        {
            foreach (string secret in _secrets)
                text = text.Replace(secret, "***", StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>Called after every progress line (phase, text): lets tests inject failures or cancel mid-run.</summary>
    public Action<string, string>? OnProgress { get; init; }

    /// <summary>A phase line such as "[smoke] connect: …". Never of the form "x: error CODE:".</summary>
    public void Progress(string phase, string text)
    {
        WriteLine($"[smoke] {phase}: {text}");
        OnProgress?.Invoke(phase, text);
    }

    public void Info(string text) => WriteLine(text);

    public void Report(SmokeDiagnostic diagnostic)
    {
        lock (_gate) _diagnostics.Add(diagnostic);
        WriteLine(diagnostic.ToCanonicalLine());
    }

    public void Error(string code, string message, string? file = null, int line = 0, int column = 0) =>
        Report(new SmokeDiagnostic(code, Severity.Error, message, file, line, column));

    public void Warning(string code, string message, string? file = null, int line = 0, int column = 0) =>
        Report(new SmokeDiagnostic(code, Severity.Warning, message, file, line, column));

    private void WriteLine(string line)
    {
        string safe = Redact(line);
        lock (_gate)
        {
            _writer.WriteLine(safe);
            _writer.Flush();
        }
    }
}

/// <summary>A TextWriter that keeps everything written (for tests and for the in-process gate-quality runs).</summary>
public sealed class CapturingWriter : StringWriter
{
    public CapturingWriter() : base(new StringBuilder()) { }
}
