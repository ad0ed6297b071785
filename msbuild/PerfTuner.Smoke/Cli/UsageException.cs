namespace PerfTuner.Smoke.Cli;

/// <summary>Bad command line or configuration: reported as PT1008 with exit code 2, never as a stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
