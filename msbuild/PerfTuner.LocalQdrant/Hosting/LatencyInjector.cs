using System.Diagnostics;

namespace PerfTuner.LocalQdrant;

/// <summary>
/// Slows requests down on purpose so a test can inject a known regression. The delay for a request that took
/// <c>elapsed</c> to handle is <c>fixedMs + (factor - 1) × elapsed</c>. Waits are precise: a timer for the bulk,
/// then a spin against the Stopwatch for the last stretch (timers on Linux overshoot by a millisecond or more,
/// which would swamp a sub-millisecond stretch).
/// </summary>
internal sealed class LatencyInjector
{
    /// <summary>Below this remaining time the timer is not trusted and the wait spins.</summary>
    private const double SpinBelowMs = 1.5;

    private readonly Dictionary<string, (double Ms, double Factor)> _perRpc;

    public LatencyInjector(LocalQdrantOptions options)
    {
        _perRpc = RpcNames.All.ToDictionary(rpc => rpc, options.LatencyFor, StringComparer.Ordinal);
        IsActive = _perRpc.Values.Any(v => v.Ms > 0 || v.Factor > 1.0);
    }

    public bool IsActive { get; }

    /// <summary>Waits out the injected delay for a request of <paramref name="rpc"/> that started at <paramref name="startTimestamp"/>.</summary>
    public ValueTask DelayAsync(string rpc, long startTimestamp, CancellationToken cancellationToken)
    {
        if (!IsActive || !_perRpc.TryGetValue(rpc, out var latency))
        {
            return ValueTask.CompletedTask;
        }

        var elapsedMs = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        var delayMs = latency.Ms + ((latency.Factor - 1.0) * elapsedMs);
        if (delayMs <= 0)
        {
            return ValueTask.CompletedTask;
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(delayMs * Stopwatch.Frequency / 1000.0);
        return WaitUntilAsync(deadline, delayMs, cancellationToken);
    }

    private static async ValueTask WaitUntilAsync(long deadline, double delayMs, CancellationToken cancellationToken)
    {
        if (delayMs > SpinBelowMs + 1.0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delayMs - SpinBelowMs), cancellationToken).ConfigureAwait(false);
        }

        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
