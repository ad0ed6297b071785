namespace PerfTuner.LocalQdrant;

/// <summary>A bad command-line argument or option value; the message names the argument and says what is wrong.</summary>
public sealed class LocalQdrantUsageException : Exception
{
    public LocalQdrantUsageException(string message)
        : base(message)
    {
    }
}
