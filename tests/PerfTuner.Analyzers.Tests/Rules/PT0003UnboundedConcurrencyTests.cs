using Microsoft.CodeAnalysis.Testing;
using VerifyPT0003 = PerfTuner.Analyzers.Tests.Verifiers.Verify<PerfTuner.Analyzers.Rules.UnboundedConcurrencyAnalyzer>;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0003: fan-outs as wide as their input — positives, negatives, messages, options, robustness.</summary>
public class PT0003UnboundedConcurrencyTests
{
    /// <summary>Usings plus the small service contracts the realistic snippets below depend on.</summary>
    internal const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using Qdrant.Client;
        using Qdrant.Client.Grpc;

        public interface IEmbedder
        {
            Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken = default);
        }

        public sealed record Document(ulong Id, string Text);

        public sealed record Message(string ConversationId, string Text);

        """;

    private static DiagnosticResult Expected(int location, string what, string source) =>
        VerifyPT0003.Diagnostic("PT0003").WithLocation(location).WithArguments(what, source);

    // ================================================================ positives

    [Fact]
    public Task Embedding_every_document_at_once_with_WhenAll_over_Select_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task<float[][]> EmbedAllAsync(IReadOnlyList<Document> documents, CancellationToken ct)
                {
                    return await {|#0:Task.WhenAll|}(documents.Select(d => embedder.EmbedAsync(d.Text, ct)));
                }
            }
            """,
            Expected(0, "Task.WhenAll", "documents"));

    [Fact]
    public Task Searching_every_query_against_Qdrant_in_parallel_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class MultiQuerySearch(QdrantClient client)
            {
                public async Task<IReadOnlyList<ScoredPoint>[]> SearchAllAsync(List<float[]> queryVectors)
                {
                    var results = await {|#0:Task.WhenAll|}(queryVectors.Select(async vector =>
                    {
                        var hits = await client.SearchAsync("conversations", vector, limit: 10);
                        return hits;
                    }));
                    return results;
                }
            }
            """,
            Expected(0, "Task.WhenAll", "queryVectors"));

    [Fact]
    public Task WhenAll_over_Select_materialized_with_ToArray_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Reindexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task ReindexAsync(Document[] documents)
                {
                    await {|#0:Task.WhenAll|}(documents.Select(async d =>
                    {
                        var vector = await embedder.EmbedAsync(d.Text);
                        await client.UpsertAsync("documents", new[] { new PointStruct { Id = d.Id, Vectors = vector } });
                    }).ToArray());
                }
            }
            """,
            Expected(0, "Task.WhenAll", "documents"));

    [Fact]
    public Task Tasks_materialized_into_a_local_list_then_joined_are_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task<float[][]> EmbedAsync(IEnumerable<string> chunks)
                {
                    var pending = chunks.Select(chunk => embedder.EmbedAsync(chunk)).ToList();
                    return await {|#0:Task.WhenAll|}(pending);
                }
            }
            """,
            Expected(0, "Task.WhenAll", "chunks"));

    [Fact]
    public Task Tasks_added_in_a_foreach_over_the_input_then_joined_are_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class ConversationSearch(QdrantClient client)
            {
                public async Task SearchAsync(IReadOnlyList<float[]> turns)
                {
                    var tasks = new List<Task<IReadOnlyList<ScoredPoint>>>();
                    foreach (var turn in turns)
                    {
                        tasks.Add(client.SearchAsync("memory", turn, limit: 5));
                    }

                    await {|#0:Task.WhenAll|}(tasks);
                }
            }
            """,
            Expected(0, "Task.WhenAll", "turns"));

    [Fact]
    public Task WaitAll_over_Task_Run_started_per_document_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class LegacyImporter(IEmbedder embedder)
            {
                public void Import(string[] files)
                {
                    var tasks = new List<Task>();
                    foreach (var file in files)
                    {
                        tasks.Add(Task.Run(() => embedder.EmbedAsync(System.IO.File.ReadAllText(file))));
                    }

                    {|#0:Task.WaitAll|}(tasks.ToArray());
                }
            }
            """,
            Expected(0, "Task.WaitAll", "files"));

    [Fact]
    public Task Array_of_tasks_filled_in_a_for_loop_over_the_input_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task<float[][]> EmbedAsync(string[] texts)
                {
                    var tasks = new Task<float[]>[texts.Length];
                    for (var i = 0; i < texts.Length; i++)
                    {
                        tasks[i] = embedder.EmbedAsync(texts[i]);
                    }

                    return await {|#0:Task.WhenAll|}(tasks);
                }
            }
            """,
            Expected(0, "Task.WhenAll", "texts"));

    [Fact]
    public Task Fire_and_forget_Task_Run_per_message_read_from_a_channel_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class MessagePump(ChannelReader<Message> reader, IEmbedder embedder)
            {
                public async Task RunAsync(CancellationToken ct)
                {
                    await foreach (var message in reader.ReadAllAsync(ct))
                    {
                        _ = {|#0:Task.Run|}(() => embedder.EmbedAsync(message.Text, ct));
                    }
                }
            }
            """,
            Expected(0, "Task.Run", "reader.ReadAllAsync(ct)"));

    [Fact]
    public Task Task_Run_as_a_statement_per_element_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Notifier
            {
                public void NotifyAll(IEnumerable<Message> messages)
                {
                    foreach (var message in messages)
                    {
                        {|#0:Task.Run|}(() => Console.WriteLine(message.Text));
                    }
                }
            }
            """,
            Expected(0, "Task.Run", "messages"));

    [Fact]
    public Task Discarded_async_call_per_message_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class MemoryWriter(QdrantClient client)
            {
                public void Remember(IReadOnlyList<Message> messages, float[] vector)
                {
                    foreach (var message in messages)
                    {
                        _ = {|#0:StoreAsync|}(message, vector);
                    }
                }

                private Task StoreAsync(Message message, float[] vector) =>
                    client.UpsertAsync("memory", new[] { new PointStruct { Id = 1ul, Vectors = vector } });
            }
            """,
            Expected(0, "StoreAsync", "messages"));

    [Fact]
    public Task Parallel_ForEach_with_MaxDegreeOfParallelism_minus_one_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Thumbnailer
            {
                public void Render(IEnumerable<string> paths)
                {
                    {|#0:Parallel.ForEach|}(paths, new ParallelOptions { MaxDegreeOfParallelism = -1 }, path =>
                    {
                        var bytes = System.IO.File.ReadAllBytes(path);
                        System.IO.File.WriteAllBytes(path + ".thumb", bytes);
                    });
                }
            }
            """,
            Expected(0, "Parallel.ForEach with MaxDegreeOfParallelism = -1", "paths"));

    [Fact]
    public Task Parallel_ForEach_with_unlimited_options_held_in_a_local_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Exporter(QdrantClient client)
            {
                public void Export(List<ulong> ids)
                {
                    var options = new ParallelOptions();
                    options.MaxDegreeOfParallelism = -1;
                    {|#0:Parallel.ForEach|}(ids, options, id => client.DeleteAsync("documents", id).GetAwaiter().GetResult());
                }
            }
            """,
            Expected(0, "Parallel.ForEach with MaxDegreeOfParallelism = -1", "ids"));

    [Fact]
    public Task Parallel_For_over_the_input_length_with_minus_one_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Scorer
            {
                public double[] Score(float[][] vectors, float[] query)
                {
                    var scores = new double[vectors.Length];
                    {|#0:Parallel.For|}(0, vectors.Length, new ParallelOptions { MaxDegreeOfParallelism = -1 }, i =>
                    {
                        scores[i] = vectors[i].Zip(query, (a, b) => a * b).Sum();
                    });
                    return scores;
                }
            }
            """,
            Expected(0, "Parallel.For with MaxDegreeOfParallelism = -1", "vectors"));

    [Fact]
    public Task Enumerable_Range_over_the_input_count_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public Task<float[][]> EmbedAsync(List<string> texts) =>
                    {|#0:Task.WhenAll|}(Enumerable.Range(0, texts.Count).Select(i => embedder.EmbedAsync(texts[i])));
            }
            """,
            Expected(0, "Task.WhenAll", "Enumerable.Range(0, texts.Count)"));

    [Fact]
    public Task Method_group_selector_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public Task<float[][]> EmbedAsync(IEnumerable<string> texts) => {|#0:Task.WhenAll|}(texts.Select(EmbedOneAsync));

                private Task<float[]> EmbedOneAsync(string text) => embedder.EmbedAsync(text.Trim());
            }
            """,
            Expected(0, "Task.WhenAll", "texts"));

    [Fact]
    public Task Query_expression_fan_out_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class MultiQuerySearch(QdrantClient client)
            {
                public Task<IReadOnlyList<ScoredPoint>[]> SearchAsync(IEnumerable<float[]> vectors) =>
                    {|#0:Task.WhenAll|}(from v in vectors select client.SearchAsync("documents", v, limit: 3));
            }
            """,
            Expected(0, "Task.WhenAll", "vectors"));

    [Fact]
    public Task Task_Factory_StartNew_per_element_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Warmer
            {
                public void Warm(string[] collections)
                {
                    for (var i = 0; i < collections.Length; i++)
                    {
                        var name = collections[i];
                        {|#0:Task.Factory.StartNew|}(() => Console.WriteLine(name));
                    }
                }
            }
            """,
            Expected(0, "Task.Factory.StartNew", "collections"));

    [Fact]
    public Task Tasks_accumulated_across_all_chunks_are_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task EmbedAsync(string[] texts)
                {
                    var tasks = new List<Task<float[]>>();
                    foreach (var chunk in texts.Chunk(16))
                    {
                        foreach (var text in chunk)
                        {
                            tasks.Add(embedder.EmbedAsync(text));
                        }
                    }

                    await {|#0:Task.WhenAll|}(tasks);
                }
            }
            """,
            Expected(0, "Task.WhenAll", "texts.Chunk(16)"));

    [Fact]
    public Task All_chunks_embedded_at_once_are_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(QdrantClient client)
            {
                public Task UpsertAsync(List<PointStruct> points) =>
                    {|#0:Task.WhenAll|}(points.Chunk(100).Select(batch => client.UpsertAsync("documents", batch)));
            }
            """,
            Expected(0, "Task.WhenAll", "points.Chunk(100)"));

    [Fact]
    public Task Task_lists_filled_by_List_ForEach_or_AddRange_are_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task ByForEach(List<string> texts)
                {
                    var tasks = new List<Task>();
                    texts.ForEach(t => tasks.Add(embedder.EmbedAsync(t)));
                    await {|#0:Task.WhenAll|}(tasks);
                }

                public async Task ByAddRange(IEnumerable<string> texts)
                {
                    var tasks = new List<Task<float[]>>();
                    tasks.AddRange(texts.Select(t => embedder.EmbedAsync(t)));
                    await {|#1:Task.WhenAll|}(tasks);
                }
            }
            """,
            Expected(0, "Task.WhenAll", "texts"),
            Expected(1, "Task.WhenAll", "texts"));

    [Fact]
    public Task Unlimited_ParallelOptions_in_a_static_readonly_field_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Exporter
            {
                private static readonly ParallelOptions Unlimited = new ParallelOptions { MaxDegreeOfParallelism = -1 };

                public void Export(IReadOnlyCollection<Document> documents) =>
                    {|#0:Parallel.ForEach|}(documents, Unlimited, d => System.IO.File.WriteAllText(d.Id + ".txt", d.Text));
            }
            """,
            Expected(0, "Parallel.ForEach with MaxDegreeOfParallelism = -1", "documents"));

    [Fact]
    public Task A_literal_larger_than_max_fan_out_is_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Probe(QdrantClient client)
            {
                public Task ProbeAsync() =>
                    {|#0:Task.WhenAll|}(new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" }.Select(name => client.CollectionExistsAsync(name)));
            }
            """,
            Expected(0, "Task.WhenAll", "new[] { \"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\", \"j\" }"));

    [Fact]
    public Task Long_sources_are_shortened_in_the_message() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public Task Embed(IEnumerable<Document> documents) =>
                    {|#0:Task.WhenAll|}(documents.Where(d => d.Text.Length > 0 && !d.Text.StartsWith("#", StringComparison.Ordinal)).Select(d => embedder.EmbedAsync(d.Text)));
            }
            """,
            Expected(0, "Task.WhenAll", "documents.Where(d => d.Text.Length > 0 && !d.Text.StartsWit…"));

    // ================================================================ negatives

    [Fact]
    public Task Semaphore_guarded_lambda_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                private readonly SemaphoreSlim _gate = new(8);

                public async Task<float[][]> EmbedAllAsync(IReadOnlyList<Document> documents, CancellationToken ct)
                {
                    return await Task.WhenAll(documents.Select(async d =>
                    {
                        await _gate.WaitAsync(ct);
                        try
                        {
                            return await embedder.EmbedAsync(d.Text, ct);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }));
                }
            }
            """);

    [Fact]
    public Task Semaphore_acquired_in_the_loop_before_starting_each_task_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Importer(QdrantClient client)
            {
                public async Task ImportAsync(IEnumerable<float[]> vectors, CancellationToken ct)
                {
                    using var gate = new SemaphoreSlim(4);
                    var tasks = new List<Task>();
                    foreach (var vector in vectors)
                    {
                        await gate.WaitAsync(ct);
                        tasks.Add(Task.Run(async () =>
                        {
                            try { await client.SearchAsync("documents", vector, limit: 1); }
                            finally { gate.Release(); }
                        }));
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """);

    [Fact]
    public Task Work_method_that_takes_a_permit_itself_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class ThrottledSearch(QdrantClient client)
            {
                private static readonly SemaphoreSlim Throttle = new(16);

                public Task<IReadOnlyList<ScoredPoint>[]> SearchAllAsync(IEnumerable<float[]> vectors) =>
                    Task.WhenAll(vectors.Select(v => SearchOneAsync(v)));

                private async Task<IReadOnlyList<ScoredPoint>> SearchOneAsync(float[] vector)
                {
                    await Throttle.WaitAsync();
                    try { return await client.SearchAsync("documents", vector, limit: 10); }
                    finally { Throttle.Release(); }
                }
            }
            """);

    [Fact]
    public Task Parallel_ForEach_with_a_positive_limit_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Thumbnailer
            {
                public void Render(IEnumerable<string> paths)
                {
                    Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, path => System.IO.File.ReadAllBytes(path));
                }
            }
            """);

    [Fact]
    public Task Parallel_ForEach_with_a_computed_limit_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Thumbnailer(int configuredLimit)
            {
                public void Render(IEnumerable<string> paths)
                {
                    var options = new ParallelOptions { MaxDegreeOfParallelism = -1 };
                    if (configuredLimit > 0)
                    {
                        options.MaxDegreeOfParallelism = configuredLimit;
                    }

                    Parallel.ForEach(paths, options, path => System.IO.File.ReadAllBytes(path));
                    Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, path => System.IO.File.ReadAllBytes(path));
                }
            }
            """);

    [Fact]
    public Task Parallel_ForEach_without_options_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Thumbnailer
            {
                public void Render(string[] paths) => Parallel.ForEach(paths, path => System.IO.File.ReadAllBytes(path));
            }
            """);

    [Fact]
    public Task Parallel_ForEachAsync_without_options_or_with_minus_one_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task EmbedAsync(IEnumerable<string> texts, CancellationToken ct)
                {
                    // ForEachAsync treats -1 (and no options) as Environment.ProcessorCount.
                    await Parallel.ForEachAsync(texts, ct, async (text, token) => await embedder.EmbedAsync(text, token));
                    await Parallel.ForEachAsync(texts, new ParallelOptions { MaxDegreeOfParallelism = -1 }, async (text, token) => await embedder.EmbedAsync(text, token));
                }
            }
            """);

    [Fact]
    public Task A_fixed_set_of_tasks_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class HybridSearch(QdrantClient client)
            {
                public async Task<int> SearchAsync(float[] dense, float[] title)
                {
                    var byBody = client.SearchAsync("documents", dense, limit: 10);
                    var byTitle = client.SearchAsync("titles", title, limit: 10);
                    var count = client.CountAsync("documents");
                    await Task.WhenAll(byBody, byTitle, count);
                    Task.WaitAll(new Task[] { byBody, byTitle });
                    return (await byBody).Count + (await byTitle).Count;
                }
            }
            """);

    [Fact]
    public Task A_small_constant_range_of_shards_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class ShardedSearch(QdrantClient client)
            {
                public Task<IReadOnlyList<ScoredPoint>[]> SearchAsync(float[] vector) =>
                    Task.WhenAll(Enumerable.Range(0, 4).Select(shard => client.SearchAsync("documents-" + shard, vector, limit: 10)));
            }
            """);

    [Fact]
    public Task Small_literal_arrays_in_locals_and_readonly_fields_are_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class RegionFanOut(QdrantClient client)
            {
                private static readonly string[] Regions = { "eu", "us", "ap" };

                public async Task SearchAsync(float[] vector)
                {
                    await Task.WhenAll(Regions.Select(region => client.SearchAsync("documents-" + region, vector, limit: 10)));

                    var collections = new[] { "documents", "titles" };
                    await Task.WhenAll(collections.Select(c => client.SearchAsync(c, vector, limit: 10)));
                }
            }
            """);

    [Fact]
    public Task Waves_over_Chunk_are_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task EmbedAsync(IEnumerable<string> texts)
                {
                    foreach (var batch in texts.Chunk(16))
                    {
                        await Task.WhenAll(batch.Select(text => embedder.EmbedAsync(text)));
                    }

                    foreach (var batch in texts.Chunk(32))
                    {
                        var tasks = new List<Task>();
                        foreach (var text in batch)
                        {
                            tasks.Add(embedder.EmbedAsync(text));
                        }

                        await Task.WhenAll(tasks);
                    }
                }
            }
            """);

    [Fact]
    public Task Sequential_awaits_are_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder, QdrantClient client)
            {
                public async Task IndexAsync(IEnumerable<Document> documents)
                {
                    foreach (var d in documents)
                    {
                        var vector = await embedder.EmbedAsync(d.Text);
                        await Task.Run(() => Console.WriteLine(d.Id));
                        await client.UpsertAsync("documents", new[] { new PointStruct { Id = d.Id, Vectors = vector } });
                    }
                }
            }
            """);

    [Fact]
    public Task Fixed_width_channel_worker_pools_are_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Pipeline(Channel<Document> channel, IEmbedder embedder, int workerCount)
            {
                public async Task RunAsync(CancellationToken ct)
                {
                    await Task.WhenAll(Enumerable.Range(0, workerCount).Select(_ => ConsumeAsync(channel.Reader, ct)));
                    await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount).Select(async worker =>
                    {
                        await foreach (var d in channel.Reader.ReadAllAsync(ct))
                        {
                            Console.WriteLine($"{worker}: {d.Id}");
                            await embedder.EmbedAsync(d.Text, ct);
                        }
                    }));
                    await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => ConsumeAsync(channel.Reader, ct)));
                }

                private async Task ConsumeAsync(ChannelReader<Document> reader, CancellationToken ct)
                {
                    await foreach (var d in reader.ReadAllAsync(ct))
                    {
                        await embedder.EmbedAsync(d.Text, ct);
                    }
                }
            }
            """);

    [Fact]
    public Task Joining_tasks_that_the_caller_started_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class ShardMerger
            {
                public async Task<int> MergeAsync(Task<IReadOnlyList<ScoredPoint>>[] shardSearches)
                {
                    var results = await Task.WhenAll(shardSearches);
                    await Task.WhenAll(shardSearches.Select(async search => (await search).Count));
                    return results.Sum(r => r.Count);
                }
            }
            """);

    [Fact]
    public Task A_sliding_window_over_a_task_list_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Importer(QdrantClient client)
            {
                public async Task ImportAsync(IEnumerable<float[]> vectors)
                {
                    var inFlight = new List<Task>();
                    foreach (var vector in vectors)
                    {
                        inFlight.Add(client.SearchAsync("documents", vector, limit: 1));
                        if (inFlight.Count >= 8)
                        {
                            inFlight.Remove(await Task.WhenAny(inFlight));
                        }
                    }

                    await Task.WhenAll(inFlight);
                }
            }
            """);

    [Fact]
    public Task Small_collection_expressions_and_fixed_width_for_loops_are_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class ReplicaProbe(QdrantClient client)
            {
                private static readonly string[] Replicas = ["replica-a", "replica-b"];

                public async Task ProbeAsync(int workerCount)
                {
                    await Task.WhenAll(Replicas.Select(r => client.CollectionExistsAsync(r)));

                    var tasks = new List<Task>();
                    for (var i = 0; i < 3; i++)
                    {
                        tasks.Add(client.HealthAsync());
                    }

                    for (var w = 0; w < workerCount; w++)
                    {
                        tasks.Add(client.HealthAsync());
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """);

    [Fact]
    public Task Completed_tasks_and_closed_domains_are_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public enum Tier { Hot, Warm, Cold }

            public sealed class Cache(QdrantClient client)
            {
                public async Task WarmAsync(IEnumerable<string> keys)
                {
                    await Task.WhenAll(keys.Select(k => Task.FromResult(k.Length)));
                    await Task.WhenAll(Enum.GetValues<Tier>().Select(t => client.CollectionExistsAsync("cache-" + t)));
                }
            }
            """);

    [Fact]
    public Task A_slice_the_author_sized_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Reranker(IEmbedder embedder)
            {
                public async Task RerankAsync(List<Document> candidates, int start)
                {
                    await Task.WhenAll(candidates.Take(5).Select(c => embedder.EmbedAsync(c.Text)));
                    await Task.WhenAll(candidates.GetRange(start, 10).Select(c => embedder.EmbedAsync(c.Text)));
                }
            }
            """);

    [Fact]
    public Task A_batch_handed_in_by_the_caller_is_not_reported_but_a_list_of_batches_is() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class BatchEmbedder(IEmbedder embedder)
            {
                // Called by a loop over documents.Chunk(32) somewhere else: the caller sized the batch.
                public Task<float[][]> EmbedBatchAsync(IReadOnlyList<string> batch) =>
                    Task.WhenAll(batch.Select(text => embedder.EmbedAsync(text)));

                public Task<float[][]> EmbedPageAsync(string[] currentPage) =>
                    Task.WhenAll(currentPage.Select(text => embedder.EmbedAsync(text)));

                public Task<float[][][]> EmbedAllAsync(List<string[]> batches) =>
                    {|#0:Task.WhenAll|}(batches.Select(b => EmbedPageAsync(b)));
            }
            """,
            Expected(0, "Task.WhenAll", "batches"));

    [Fact]
    public Task Partitioner_based_ForEachAsync_helper_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public static class EnumerableExtensions
            {
                // The classic pre-.NET 6 bounded ForEachAsync: dop partitions, each drained one item at a time.
                public static Task ForEachAsync<T>(this IEnumerable<T> source, int dop, Func<T, Task> body)
                {
                    return Task.WhenAll(System.Collections.Concurrent.Partitioner.Create(source).GetPartitions(dop).Select(partition => Task.Run(async () =>
                    {
                        using (partition)
                        {
                            while (partition.MoveNext())
                            {
                                await body(partition.Current);
                            }
                        }
                    })));
                }
            }
            """);

    [Fact]
    public Task Publishing_to_every_registered_handler_is_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public interface IMessageHandler
            {
                Task HandleAsync(Message message, CancellationToken ct);
            }

            public sealed class Publisher(IEnumerable<IMessageHandler> handlers, List<Func<Message, Task>> subscribers)
            {
                public async Task PublishAsync(Message message, CancellationToken ct)
                {
                    await Task.WhenAll(handlers.Select(h => h.HandleAsync(message, ct)));
                    await Task.WhenAll(subscribers.Select(s => s(message)));

                    var tasks = new List<Task>();
                    foreach (var handler in handlers)
                    {
                        tasks.Add(handler.HandleAsync(message, ct));
                    }

                    await Task.WhenAll(tasks);
                }
            }
            """);

    [Fact]
    public Task Fire_and_forget_outside_loops_and_while_loops_are_not_reported() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Startup(QdrantClient client)
            {
                public void Start(CancellationToken ct)
                {
                    _ = Task.Run(() => client.HealthAsync());
                    var attempts = 0;
                    while (attempts++ < 3 && !ct.IsCancellationRequested)
                    {
                        _ = Task.Run(() => client.HealthAsync());
                    }
                }
            }
            """);

    // ================================================================ options

    [Fact]
    public Task Max_fan_out_option_raises_the_small_source_threshold() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class Probe(QdrantClient client)
            {
                public async Task ProbeAsync()
                {
                    await Task.WhenAll(new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" }.Select(name => client.CollectionExistsAsync(name)));
                    await Task.WhenAll(Enumerable.Range(0, 12).Select(i => client.CollectionExistsAsync("c" + i)));
                    await {|#0:Task.WhenAll|}(Enumerable.Range(0, 17).Select(i => client.CollectionExistsAsync("c" + i)));
                }
            }
            """,
            "perftuner.PT0003.max_fan_out = 16",
            Expected(0, "Task.WhenAll", "Enumerable.Range(0, 17)"));

    [Fact]
    public Task Max_fan_out_option_lowered_reports_small_literals() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class RegionFanOut(QdrantClient client)
            {
                public Task SearchAsync(float[] vector) =>
                    {|#0:Task.WhenAll|}(Enumerable.Range(0, 4).Select(shard => client.SearchAsync("documents-" + shard, vector, limit: 10)));
            }
            """,
            "perftuner.PT0003.max_fan_out = 2",
            Expected(0, "Task.WhenAll", "Enumerable.Range(0, 4)"));

    [Fact]
    public Task An_invalid_max_fan_out_falls_back_to_the_default() =>
        VerifyPT0003.AnalyzerAsync(Prelude + """
            public sealed class RegionFanOut(QdrantClient client)
            {
                public async Task SearchAsync(float[] vector)
                {
                    await Task.WhenAll(Enumerable.Range(0, 8).Select(shard => client.SearchAsync("documents-" + shard, vector, limit: 10)));
                    await {|#0:Task.WhenAll|}(Enumerable.Range(0, 9).Select(shard => client.SearchAsync("documents-" + shard, vector, limit: 10)));
                }
            }
            """,
            "perftuner.PT0003.max_fan_out = many",
            Expected(0, "Task.WhenAll", "Enumerable.Range(0, 9)"));

    [Fact]
    public async Task Max_degree_of_parallelism_option_reaches_the_code_fix_through_the_diagnostic()
    {
        const string source = Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public Task Embed(string[] texts) => Task.WhenAll(texts.Select(t => embedder.EmbedAsync(t)));
            }
            """;
        var configured = await VerifyPT0003.GetAnalyzerDiagnosticsAsync(source, "perftuner.PT0003.max_degree_of_parallelism = 3");
        var defaulted = await VerifyPT0003.GetAnalyzerDiagnosticsAsync(source);
        Assert.Equal("3", Assert.Single(configured, d => d.Id == "PT0003").Properties["MaxDegreeOfParallelism"]);
        Assert.Equal("8", Assert.Single(defaulted, d => d.Id == "PT0003").Properties["MaxDegreeOfParallelism"]);
        Assert.Equal("true", Assert.Single(defaulted, d => d.Id == "PT0003").Properties["SelectLambda"]);
    }

    // ================================================================ robustness

    [Theory]
    [InlineData("public class C { async Task M(string[] xs) { await Task.WhenAll(xs.Select(async x => { await ; })); } }")]
    [InlineData("public class C { async Task M(string[] xs) { await Task.WhenAll(xs.Select(; } }")]
    [InlineData("public class C { async Task M(string[] xs) { await Task.WhenAll(); await Task.WhenAll(null); await Task.WaitAll(); } }")]
    [InlineData("public class C { void M(string[] xs) { Parallel.ForEach(xs, new ParallelOptions { MaxDegreeOfParallelism = }, x => ); } }")]
    [InlineData("public class C { void M(string[] xs) { Parallel.For(0, , new ParallelOptions { MaxDegreeOfParallelism = -1 }, i => { }); Parallel.ForEach(, new ParallelOptions { MaxDegreeOfParallelism = -1 }); } }")]
    [InlineData("public class C { async Task M(Unknown[] xs) { var tasks = new List<Task>(); foreach (var x in ) tasks.Add(x.GoAsync()); await Task.WhenAll(tasks); } }")]
    [InlineData("public class C { async Task M(string[] xs) { var tasks = new Task[xs.Length]; for (;;) tasks[] = Foo(); await Task.WhenAll(tasks); } }")]
    [InlineData("public class C { void M(IEnumerable<int> xs) { foreach (var x in xs) { _ = Task.Run(; Task.Factory.StartNew(() => ); _ = Missing(x); } } }")]
    [InlineData("public class C { Task M(int[] xs) => Task.WhenAll(xs.Select(Undefined)); Task N() => Task.WhenAll(Enumerable.Range(0, ).Select(i => Task.Delay(i))); }")]
    [InlineData("public class C { static readonly ParallelOptions O = new() { MaxDegreeOfParallelism = -1 }; void M(int[] xs) { Parallel.ForEach(xs, O, x => { }); Parallel.ForEach(xs, P, x => { }); } }")]
    [InlineData("public class C { async Task M(string[] xs) { var t = t; await Task.WhenAll(t); List<Task> u; u.Add(Task.Run(() => 1)); await Task.WhenAll(u); } }")]
    [InlineData("public class C { async Task M(string[] xs) { await Task.WhenAll([.. xs.Select(x => Task.Run(() => x))]); await Task.WhenAll(xs switch { _ => }); } }")]
    [InlineData("public class C { async Task M(string[] xs) => await Task.WhenAll(xs.Select(x => x.Select(y => Task.Run(() => y)).First())); void N() { items.ForEach(i => tasks.Add(Task.Run(() => i))); } }")]
    public Task Broken_code_never_throws(string body) =>
        VerifyPT0003.NeverThrowsAsync(Prelude + body);

    [Fact]
    public Task Broken_code_with_garbage_options_never_throws() =>
        VerifyPT0003.NeverThrowsAsync(
            Prelude + "public class C { async Task M(string[] xs) { await Task.WhenAll(xs.Select(x => Task.Run(() => x))); foreach (var x in xs) _ = Task.Run(() => x); } }",
            "perftuner.PT0003.max_fan_out = -5\nperftuner.PT0003.max_degree_of_parallelism = 0");

    [Fact]
    public async Task Broken_code_still_reports_the_clear_fan_out()
    {
        var diagnostics = await VerifyPT0003.GetAnalyzerDiagnosticsAsync(Prelude + """
            public sealed class Indexer(IEmbedder embedder)
            {
                public async Task EmbedAsync(string[] texts)
                {
                    await Task.WhenAll(texts.Select(t => embedder.EmbedAsync(t)));
                    var broken = texts.Select(t => ;
                }
            }
            """);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        Assert.Single(diagnostics, d => d.Id == "PT0003");
    }
}
