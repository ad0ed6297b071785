using BenchmarkDotNet.Loggers;
using PerfTuner.Smoke.Diagnostics;

namespace PerfTuner.Smoke.Measurement;

/// <summary>
/// BenchmarkDotNet's log goes to a file (for the curious), never to stdout, where its text could be mistaken
/// for diagnostics. From it we derive one progress line per phase: warmup, then measure i/N in steps.
/// </summary>
internal sealed class ProgressLogger : ILogger, IDisposable
{
    private readonly SmokeOutput _output;
    private readonly StreamWriter? _file;
    private readonly int _samples;
    private readonly Func<string, string> _displayName;
    private string _benchmark = "?";
    private int _actual;
    private bool _warmupShown;
    private string _line = "";
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private bool _atLineStart = true;

    public ProgressLogger(SmokeOutput output, string? logPath, int samples, Func<string, string> displayName)
    {
        _output = output;
        _samples = samples;
        _displayName = displayName;
        if (logPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
            _file = new StreamWriter(logPath, append: true);
        }
    }

    public string Id => nameof(ProgressLogger);
    public int Priority => 0;

    public void Write(LogKind logKind, string text)
    {
        _line += text;
        if (_atLineStart)
            _file?.Write($"[{_clock.Elapsed.TotalSeconds,7:F3} s] "); // where BenchmarkDotNet spends its time
        _atLineStart = false;
        _file?.Write(_output.Redact(text));
    }

    public void WriteLine()
    {
        OnLine(_line);
        _line = "";
        _atLineStart = true;
        _file?.WriteLine();
    }

    public void WriteLine(LogKind logKind, string text)
    {
        Write(logKind, text);
        WriteLine();
    }

    public void Flush() => _file?.Flush();

    private void OnLine(string line)
    {
        const string header = "// Benchmark: ";
        if (line.StartsWith(header, StringComparison.Ordinal))
        {
            string full = line[header.Length..];
            int colon = full.IndexOf(": ", StringComparison.Ordinal);
            _benchmark = _displayName(colon > 0 ? full[..colon] : full);
            _actual = 0;
            _warmupShown = false;
        }
        else if (line.StartsWith("WorkloadWarmup", StringComparison.Ordinal) && !_warmupShown)
        {
            _warmupShown = true;
            _output.Progress("warmup", _benchmark);
        }
        else if (line.StartsWith("WorkloadActual", StringComparison.Ordinal))
        {
            _actual++;
            int step = Math.Max(1, _samples / 4);
            if (_actual % step == 0 || _actual == _samples)
                _output.Progress("measure", $"{_benchmark} {_actual}/{_samples}");
        }
    }

    public void Dispose() => _file?.Dispose();
}
