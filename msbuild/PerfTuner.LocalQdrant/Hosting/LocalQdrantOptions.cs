using System.Globalization;

namespace PerfTuner.LocalQdrant;

/// <summary>
/// Ports and injected latency. Latency is per request: <see cref="LatencyMs"/> is added as a fixed delay and
/// <see cref="LatencyFactor"/> stretches the measured handling time (1.25 = each request takes 25% longer on the
/// server). Per-RPC values (keys from <see cref="RpcNames"/>) override the global ones.
/// </summary>
public sealed class LocalQdrantOptions
{
    public const string Usage =
        "usage: dotnet PerfTuner.LocalQdrant.dll [--grpc-port N] [--http-port N] [--latency-ms [RPC=]X] [--latency-factor [RPC=]F]";

    /// <summary>gRPC (HTTP/2 cleartext) port on 127.0.0.1; 0 picks a free port.</summary>
    public int GrpcPort { get; set; }

    /// <summary>REST (HTTP/1.1: GET /, /healthz, /readyz) port on 127.0.0.1; 0 picks a free port.</summary>
    public int HttpPort { get; set; }

    /// <summary>Fixed delay in milliseconds added to every request.</summary>
    public double LatencyMs { get; set; }

    /// <summary>Multiplies each request's handling time; 1.0 adds nothing.</summary>
    public double LatencyFactor { get; set; } = 1.0;

    /// <summary>Per-RPC fixed delays, e.g. ["Points/Search"] = 2; overrides <see cref="LatencyMs"/> for that RPC.</summary>
    public IDictionary<string, double> LatencyMsPerRpc { get; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-RPC factors, e.g. ["Search"] = 1.25; overrides <see cref="LatencyFactor"/> for that RPC.</summary>
    public IDictionary<string, double> LatencyFactorPerRpc { get; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Send ASP.NET Core warnings and errors to stderr (the command line does; in-process hosts stay silent).</summary>
    public bool LogWarningsToStandardError { get; set; }

    /// <summary>
    /// Parses the command line. Each option takes one value, as "--name value" or "--name=value";
    /// latency options may repeat with "RPC=value" to target one RPC.
    /// </summary>
    /// <exception cref="LocalQdrantUsageException">An unknown option, a missing or malformed value; the message names it and its position.</exception>
    public static LocalQdrantOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new LocalQdrantOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var position = i + 1;
            var arg = args[i];
            string name;
            string? value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
                value = null;
            }

            if (name is not ("--grpc-port" or "--http-port" or "--latency-ms" or "--latency-factor"))
            {
                throw new LocalQdrantUsageException($"argument {position} '{arg}': unknown option; {Usage}");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new LocalQdrantUsageException($"argument {position} '{name}': missing value");
                }

                value = args[++i];
                position = i + 1;
            }

            var where = $"argument {position} ({name} '{value}')";
            switch (name)
            {
                case "--grpc-port":
                    options.GrpcPort = ParsePort(value, where);
                    break;
                case "--http-port":
                    options.HttpPort = ParsePort(value, where);
                    break;
                case "--latency-ms":
                    ParseLatency(value, where, options.LatencyMsPerRpc, v => options.LatencyMs = v, CheckLatencyMs);
                    break;
                default:
                    ParseLatency(value, where, options.LatencyFactorPerRpc, v => options.LatencyFactor = v, CheckLatencyFactor);
                    break;
            }
        }

        options.Validate();
        return options;
    }

    /// <summary>Checks values set in code as strictly as <see cref="Parse"/> checks the command line.</summary>
    /// <exception cref="LocalQdrantUsageException">A value is out of range or an RPC name is unknown.</exception>
    public void Validate()
    {
        CheckPort(GrpcPort, "GrpcPort");
        CheckPort(HttpPort, "HttpPort");
        if (GrpcPort != 0 && GrpcPort == HttpPort)
        {
            throw new LocalQdrantUsageException($"--grpc-port and --http-port are both {GrpcPort}; they need different ports");
        }

        CheckLatencyMs(LatencyMs, "LatencyMs");
        CheckLatencyFactor(LatencyFactor, "LatencyFactor");
        foreach (var (rpc, ms) in LatencyMsPerRpc)
        {
            ResolveRpc(rpc, $"LatencyMsPerRpc[{rpc}]");
            CheckLatencyMs(ms, $"LatencyMsPerRpc[{rpc}]");
        }

        foreach (var (rpc, factor) in LatencyFactorPerRpc)
        {
            ResolveRpc(rpc, $"LatencyFactorPerRpc[{rpc}]");
            CheckLatencyFactor(factor, $"LatencyFactorPerRpc[{rpc}]");
        }
    }

    /// <summary>The effective fixed delay and factor for one RPC ("Service/Method").</summary>
    internal (double LatencyMs, double Factor) LatencyFor(string rpc)
    {
        var ms = LatencyMs;
        var factor = LatencyFactor;
        foreach (var (key, value) in LatencyMsPerRpc)
        {
            if (RpcNames.Resolve(key, out _) == rpc)
            {
                ms = value;
            }
        }

        foreach (var (key, value) in LatencyFactorPerRpc)
        {
            if (RpcNames.Resolve(key, out _) == rpc)
            {
                factor = value;
            }
        }

        return (ms, factor);
    }

    private static void ParseLatency(string value, string where, IDictionary<string, double> perRpc, Action<double> setGlobal, Action<double, string> check)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        var number = equals >= 0 ? value[(equals + 1)..] : value;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            throw new LocalQdrantUsageException($"{where}: '{number}' is not a number");
        }

        check(parsed, where);
        if (equals < 0)
        {
            setGlobal(parsed);
            return;
        }

        perRpc[ResolveRpc(value[..equals], where)] = parsed;
    }

    private static string ResolveRpc(string name, string where) =>
        RpcNames.Resolve(name, out var problem) ?? throw new LocalQdrantUsageException($"{where}: {problem}");

    private static int ParsePort(string value, string where)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new LocalQdrantUsageException($"{where}: '{value}' is not a port number (0-65535)");
        }

        CheckPort(port, where);
        return port;
    }

    private static void CheckPort(int port, string where)
    {
        if (port is < 0 or > 65535)
        {
            throw new LocalQdrantUsageException($"{where}: port {port} is outside 0-65535");
        }
    }

    private static void CheckLatencyMs(double ms, string where)
    {
        if (!double.IsFinite(ms) || ms < 0 || ms > 600_000)
        {
            throw new LocalQdrantUsageException($"{where}: latency must be between 0 and 600000 ms");
        }
    }

    private static void CheckLatencyFactor(double factor, string where)
    {
        if (!double.IsFinite(factor) || factor < 1.0 || factor > 1000)
        {
            throw new LocalQdrantUsageException($"{where}: latency factor must be between 1.0 and 1000 (it can only slow requests down)");
        }
    }
}
