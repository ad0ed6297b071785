using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using PerfTuner.LocalQdrant;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PerfTuner.Benchmarks.LocalQdrant;

/// <summary>
/// The client-observed effect of --latency-factor 1.25, robust to a machine whose load changes over time: two servers
/// with the same 10k × 384 data (factor 1.0 and 1.25) answer alternate iterations, so both see the same moments.
/// BenchmarkDotNet's own table mixes the two; the split percentiles are printed as a "// LocalQdrant interleaved" line.
/// </summary>
[Config(typeof(PerCallLatencyConfig))]
public class InterleavedLatencyInjectionBenchmarks
{
    private readonly List<double>[] _milliseconds = { new(), new() };
    private readonly LocalQdrantServer[] _servers = new LocalQdrantServer[2];
    private readonly QdrantClient[] _clients = new QdrantClient[2];
    private float[][] _queries = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var factors = new[] { 1.0, 1.25 };
        for (var s = 0; s < 2; s++)
        {
            _servers[s] = LocalQdrantServer.StartAsync(new LocalQdrantOptions { LatencyFactor = factors[s] }).GetAwaiter().GetResult();
            _clients[s] = new QdrantClient(_servers[s].GrpcUri.Host, _servers[s].GrpcUri.Port, https: false);
            _clients[s].CreateCollectionAsync(SearchWorkload.Collection, new VectorParams { Size = SearchWorkload.Dimensions, Distance = Distance.Cosine })
                .GetAwaiter().GetResult();
            var random = new Random(42);
            for (var start = 0; start < 10_000; start += 1000)
            {
                var batch = Enumerable.Range(start, 1000).Select(id => new PointStruct { Id = (ulong)id, Vectors = SearchWorkload.RandomVector(random) }).ToList();
                _clients[s].UpsertAsync(SearchWorkload.Collection, batch).GetAwaiter().GetResult();
            }
        }

        var queries = new Random(7);
        _queries = Enumerable.Range(0, 256).Select(_ => SearchWorkload.RandomVector(queries)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Drop the warm-up calls (the first 30 iterations, split evenly) before computing percentiles.
        var baseline = _milliseconds[0].Skip(15).Order().ToList();
        var slowed = _milliseconds[1].Skip(15).Order().ToList();
        if (baseline.Count > 0 && slowed.Count > 0)
        {
            string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
            Console.WriteLine(
                $"// LocalQdrant interleaved: factor 1.0 P50={F(P(baseline, 0.5))} ms P95={F(P(baseline, 0.95))} ms (n={baseline.Count}) | " +
                $"factor 1.25 P50={F(P(slowed, 0.5))} ms P95={F(P(slowed, 0.95))} ms (n={slowed.Count}) | " +
                $"ratio P50={F(P(slowed, 0.5) / P(baseline, 0.5))} P95={F(P(slowed, 0.95) / P(baseline, 0.95))}");
        }

        for (var s = 0; s < 2; s++)
        {
            _clients[s].Dispose();
            _servers[s].DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Description = "Query top-10 at 10k x 384, alternating factor 1.0 / 1.25")]
    public async Task Query()
    {
        var server = _next % 2;
        var query = _queries[(_next / 2) % _queries.Length];
        _next++;
        var watch = Stopwatch.StartNew();
        await _clients[server].QueryAsync(SearchWorkload.Collection, query, limit: 10);
        _milliseconds[server].Add(watch.Elapsed.TotalMilliseconds);
    }

    private static double P(List<double> sorted, double percentile) => sorted[(int)(percentile * (sorted.Count - 1))];
}
