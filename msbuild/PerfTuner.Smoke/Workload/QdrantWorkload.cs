using System.Diagnostics;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using PerfTuner.Smoke.Cli;
using PerfTuner.Smoke.Diagnostics;

namespace PerfTuner.Smoke.Workload;

/// <summary>
/// The built-in workload on one temporary collection `perftuner_smoke_&lt;unique&gt;`: create, load, wait until
/// green, search (measured by BenchmarkDotNet through <see cref="QdrantSearchBenchmark"/>), QPS, recall, delete.
/// It only ever addresses its own collection by name, so nothing else on the server is touched.
/// </summary>
public sealed class QdrantWorkload
{
    public const string CollectionPrefix = "perftuner_smoke_";
    private const int QueryPoolSize = 1024;

    private readonly QdrantClient _client;
    private readonly SmokeOptions _options;
    private readonly SmokeOutput _output;
    private readonly Query[] _queries;
    private readonly SearchParams _searchParams;
    private int _nextQuery;
    private Exception? _searchFailure;

    public QdrantWorkload(QdrantClient client, SmokeOptions options, SmokeOutput output)
    {
        _client = client;
        _options = options;
        _output = output;
        CollectionName = CollectionPrefix + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "_" + Guid.NewGuid().ToString("N")[..8];
        var data = new SyntheticData(options.Dimensions, options.Seed);
        Data = data;
        _queries = Enumerable.Range(0, QueryPoolSize).Select(i => (Query)data.Query(i)).ToArray();
        _searchParams = new SearchParams { HnswEf = (ulong)options.SearchEf };
    }

    public string CollectionName { get; }
    public SyntheticData Data { get; }
    public bool Created { get; private set; }

    /// <summary>Cancels the calls of the measured search (BenchmarkDotNet has no token of its own).</summary>
    public CancellationToken SearchCancellation { get; set; }

    /// <summary>The first exception a measured search threw, so the caller can report it as it was.</summary>
    public Exception? SearchFailure => _searchFailure;

    public async Task<UpsertStats> CreateAndLoadAsync(CancellationToken ct)
    {
        _output.Progress("load", $"creating collection {CollectionName} ({_options.Dimensions} dims, {_options.Distance}, m={_options.HnswM}, ef_construct={_options.HnswEfConstruct})");
        await _client.CreateCollectionAsync(CollectionName,
            new VectorParams { Size = (ulong)_options.Dimensions, Distance = ParseDistance(_options.Distance) },
            hnswConfig: new HnswConfigDiff { M = (ulong)_options.HnswM, EfConstruct = (ulong)_options.HnswEfConstruct },
            cancellationToken: ct);
        Created = true;

        _output.Progress("load", $"upserting {_options.Points} points in batches of {_options.BatchSize}");
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < _options.Points; start += _options.BatchSize)
        {
            int count = Math.Min(_options.BatchSize, _options.Points - start);
            var batch = new List<PointStruct>(count);
            for (int i = start; i < start + count; i++)
                batch.Add(new PointStruct { Id = (ulong)i, Vectors = Data.Point(i) });
            await _client.UpsertAsync(CollectionName, batch, wait: true, cancellationToken: ct);
        }
        clock.Stop();
        var stats = new UpsertStats(_options.Points, clock.Elapsed.TotalSeconds);
        _output.Progress("load", $"{_options.Points} points in {stats.Seconds:F2} s ({stats.PointsPerSecond:F0} points/s)");
        return stats;
    }

    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var info = await _client.GetCollectionInfoAsync(CollectionName, ct);
            if (info.Status == CollectionStatus.Green)
            {
                _output.Progress("ready", $"collection green after {clock.Elapsed.TotalSeconds:F2} s");
                return;
            }
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"collection {CollectionName} not green after {timeout.TotalSeconds:F0} s (status {info.Status})");
            await Task.Delay(100, ct);
        }
    }

    /// <summary>One measured call: the next seeded query, approximate search with hnsw_ef.</summary>
    public async Task SearchOnceAsync()
    {
        try
        {
            Query query = _queries[(int)((uint)Interlocked.Increment(ref _nextQuery) % QueryPoolSize)];
            await _client.QueryAsync(CollectionName, query, searchParams: _searchParams, limit: (ulong)_options.Limit,
                cancellationToken: SearchCancellation);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _searchFailure, e, null);
            throw;
        }
    }

    /// <summary>Throughput at the configured concurrency, in its own timed phase after the latency samples.</summary>
    public async Task<double> MeasureQpsAsync(CancellationToken ct)
    {
        _output.Progress("qps", $"{_options.Concurrency} concurrent searchers for {_options.QpsSeconds:F1} s");
        var duration = TimeSpan.FromSeconds(_options.QpsSeconds);
        long completed = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, _options.Concurrency).Select(async w =>
        {
            int i = w * 97;
            while (clock.Elapsed < duration)
            {
                ct.ThrowIfCancellationRequested();
                await _client.QueryAsync(CollectionName, _queries[i++ % QueryPoolSize], searchParams: _searchParams,
                    limit: (ulong)_options.Limit, cancellationToken: ct);
                Interlocked.Increment(ref completed);
            }
        }).ToArray();
        await Task.WhenAll(workers);
        double qps = completed / clock.Elapsed.TotalSeconds;
        _output.Progress("qps", $"{qps:F0} searches/s");
        return qps;
    }

    /// <summary>recall@k: the share of the exact top k (exact=true) that the approximate search returns.</summary>
    public async Task<double> MeasureRecallAsync(CancellationToken ct)
    {
        int queries = Math.Min(_options.RecallQueries, QueryPoolSize);
        _output.Progress("recall", $"{queries} queries, approximate vs exact=true, k={_options.Limit}");
        double sum = 0;
        var exactParams = new SearchParams { Exact = true };
        for (int q = 0; q < queries; q++)
        {
            var approximate = await _client.QueryAsync(CollectionName, _queries[q], searchParams: _searchParams, limit: (ulong)_options.Limit, cancellationToken: ct);
            var exact = await _client.QueryAsync(CollectionName, _queries[q], searchParams: exactParams, limit: (ulong)_options.Limit, cancellationToken: ct);
            var truth = exact.Select(p => p.Id.Num).ToHashSet();
            sum += truth.Count == 0 ? 1 : approximate.Count(p => truth.Contains(p.Id.Num)) / (double)truth.Count;
        }
        double recall = sum / queries;
        _output.Progress("recall", $"recall@{_options.Limit} = {recall:F4}");
        return recall;
    }

    /// <summary>Deletes the temporary collection; called on success, failure and cancellation alike.</summary>
    public async Task DeleteAsync(TimeSpan timeout)
    {
        if (!Created) return;
        // A fresh token: the run's own may already be cancelled, and the cleanup must still happen.
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _client.DeleteCollectionAsync(CollectionName, cancellationToken: cts.Token);
            Created = false;
            _output.Progress("cleanup", $"deleted collection {CollectionName}");
        }
        catch (Exception e)
        {
            _output.Warning(DiagnosticCodes.Unreachable, $"could not delete the temporary collection {CollectionName}: {e.GetType().Name}: {e.Message}");
        }
    }

    public static Distance ParseDistance(string distance) => distance switch
    {
        "Cosine" => Distance.Cosine,
        "Dot" => Distance.Dot,
        "Euclid" => Distance.Euclid,
        "Manhattan" => Distance.Manhattan,
        _ => throw new UsageException($"unknown distance '{distance}'"),
    };
}

public sealed record UpsertStats(int Points, double Seconds)
{
    public double PointsPerSecond => Seconds > 0 ? Points / Seconds : 0;
}
