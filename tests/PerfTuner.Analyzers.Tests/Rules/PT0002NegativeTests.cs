using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using static PerfTuner.Analyzers.Tests.Rules.PT0002Sources;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0002 stays silent for batches, buffers, retries, reads and look-alikes.</summary>
public class PT0002NegativeTests
{
    private static Task ExpectNone(string code) => Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(Wrap(code));

    [Fact]
    public async Task Points_sent_in_Chunk_batches()
    {
        await ExpectNone("""
            public sealed class BatchImporter(QdrantClient client)
            {
                public async Task ImportAsync(IReadOnlyList<PointStruct> points, CancellationToken ct)
                {
                    foreach (var batch in points.Chunk(256))
                    {
                        await client.UpsertAsync("chunks", batch, cancellationToken: ct);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Buffer_flushed_when_it_reaches_the_batch_size()
    {
        await ExpectNone("""
            public sealed class BufferedImporter(QdrantClient client, IEmbedder embedder)
            {
                private const int BatchSize = 128;

                public async Task ImportAsync(string path, CancellationToken ct)
                {
                    var buffer = new List<PointStruct>(BatchSize);
                    foreach (var line in File.ReadLines(path))
                    {
                        var record = JsonSerializer.Deserialize<ChunkRecord>(line)!;
                        buffer.Add(new PointStruct { Id = record.Id, Vectors = await embedder.EmbedAsync(record.Text, ct) });
                        if (buffer.Count >= BatchSize)
                        {
                            await client.UpsertAsync("chunks", buffer.ToArray(), cancellationToken: ct);
                            buffer.Clear();
                        }
                    }

                    if (buffer.Count > 0)
                    {
                        await client.UpsertAsync("chunks", buffer, cancellationToken: ct);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Retry_loop_around_one_batch()
    {
        await ExpectNone("""
            public sealed class RetryingWriter(QdrantClient client)
            {
                public async Task WriteAsync(IReadOnlyList<PointStruct> batch, CancellationToken ct)
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            await client.UpsertAsync("chunks", batch, cancellationToken: ct);
                            return;
                        }
                        catch (Grpc.Core.RpcException) when (attempt < 5)
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct);
                        }
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Retry_loop_with_a_success_flag_around_one_point()
    {
        await ExpectNone("""
            public sealed class SinglePointWriter(QdrantClient client)
            {
                public async Task WriteAsync(PointStruct point, CancellationToken ct)
                {
                    var stored = false;
                    var attempts = 0;
                    while (!stored && attempts < 3)
                    {
                        attempts++;
                        try
                        {
                            await client.UpsertAsync("memory", new[] { point }, cancellationToken: ct);
                            stored = true;
                        }
                        catch (Grpc.Core.RpcException)
                        {
                            await Task.Delay(250, ct);
                        }
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Searches_and_queries_in_a_loop_are_not_upserts()
    {
        await ExpectNone("""
            public sealed class QueryFanOut(QdrantClient client, IEmbedder embedder)
            {
                public async Task<List<IReadOnlyList<ScoredPoint>>> SearchAllAsync(IEnumerable<string> questions, CancellationToken ct)
                {
                    var results = new List<IReadOnlyList<ScoredPoint>>();
                    foreach (var question in questions)
                    {
                        var vector = await embedder.EmbedAsync(question, ct);
                        results.Add(await client.SearchAsync("chunks", vector, limit: 5, cancellationToken: ct));
                        results.Add(await client.QueryAsync("chunks", query: vector, limit: 5, cancellationToken: ct));
                    }

                    return results;
                }
            }
            """);
    }

    [Fact]
    public async Task Whole_list_built_in_the_loop_and_upserted_once_after_it()
    {
        await ExpectNone("""
            public sealed class OneShotImporter(QdrantClient client, IEmbedder embedder)
            {
                public async Task ImportAsync(IEnumerable<ChunkRecord> records, CancellationToken ct)
                {
                    var points = new List<PointStruct>();
                    foreach (var record in records)
                    {
                        points.Add(new PointStruct { Id = record.Id, Vectors = await embedder.EmbedAsync(record.Text, ct) });
                    }

                    await client.UpsertAsync("chunks", points, cancellationToken: ct);
                }
            }
            """);
    }

    [Fact]
    public async Task Loop_over_prebuilt_batches_per_collection()
    {
        await ExpectNone("""
            public sealed class TenantSync(QdrantClient client)
            {
                public async Task SyncAsync(Dictionary<string, List<PointStruct>> pointsByCollection, CancellationToken ct)
                {
                    foreach (var (collection, points) in pointsByCollection)
                    {
                        await client.UpsertAsync(collection, points, cancellationToken: ct);
                    }

                    foreach (var entry in pointsByCollection)
                    {
                        await client.UpsertAsync(entry.Key, entry.Value.ToArray(), cancellationToken: ct);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task UpsertAsync_of_a_different_type_with_the_same_name()
    {
        await ExpectNone("""
            public sealed class DocumentRepository
            {
                public Task UpsertAsync(string collection, IReadOnlyList<PointStruct> points) => Task.CompletedTask;
            }

            public sealed class SqlMirror(DocumentRepository repository)
            {
                public async Task MirrorAsync(IEnumerable<PointStruct> points)
                {
                    foreach (var point in points)
                    {
                        await repository.UpsertAsync("chunks", new[] { point });
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task One_request_per_document_with_every_chunk_of_that_document()
    {
        await ExpectNone("""
            public sealed class DocumentIndexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task IndexAsync(IEnumerable<SourceDocument> documents, CancellationToken ct)
                {
                    foreach (var document in documents)
                    {
                        var points = new List<PointStruct>();
                        foreach (var chunk in document.Chunks)
                        {
                            points.Add(new PointStruct { Id = Guid.NewGuid(), Vectors = await embedder.EmbedAsync(chunk, ct), Payload = { ["doc"] = document.Id } });
                        }

                        await client.UpsertAsync("chunks", points, cancellationToken: ct);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task WhenAll_over_Chunk_batches()
    {
        await ExpectNone("""
            public sealed class ParallelBatchImporter(QdrantClient client)
            {
                public Task ImportAsync(IReadOnlyList<PointStruct> points, CancellationToken ct) =>
                    Task.WhenAll(points.Chunk(512).Select(batch => client.UpsertAsync("chunks", batch, wait: false, cancellationToken: ct)));
            }
            """);
    }

    [Fact]
    public async Task Single_upsert_outside_any_loop()
    {
        await ExpectNone("""
            public sealed class MemoryEndpoint(QdrantClient client, IEmbedder embedder)
            {
                public async Task RememberAsync(ChatMessage message, CancellationToken ct)
                {
                    var point = new PointStruct { Id = message.Id, Vectors = await embedder.EmbedAsync(message.Text, ct) };
                    await client.UpsertAsync("memory", new[] { point }, cancellationToken: ct);
                }
            }
            """);
    }

    [Fact]
    public async Task Event_handler_lambda_registered_in_a_loop_is_not_the_loop_body()
    {
        await ExpectNone("""
            public sealed class Feed
            {
                public event Action<PointStruct>? Received;
            }

            public sealed class FeedSubscriber(QdrantClient client)
            {
                public void Subscribe(IEnumerable<Feed> feeds)
                {
                    foreach (var feed in feeds)
                    {
                        feed.Received += point => client.UpsertAsync("live", new[] { point });
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Modulo_flush_of_a_pending_list()
    {
        await ExpectNone("""
            public sealed class CountingImporter(QdrantClient client)
            {
                public async Task ImportAsync(IEnumerable<PointStruct> source, CancellationToken ct)
                {
                    var pending = new List<PointStruct>();
                    var count = 0;
                    foreach (var point in source)
                    {
                        pending.Add(point);
                        if (++count % 500 == 0)
                        {
                            await client.UpsertAsync("chunks", pending.ToList(), cancellationToken: ct);
                            pending.Clear();
                        }
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Request_filled_from_a_batch_with_AddRange()
    {
        await ExpectNone("""
            public sealed class GrpcBatchIndexer(Points.PointsClient points)
            {
                public async Task IndexAsync(IEnumerable<PointStruct> all, CancellationToken ct)
                {
                    foreach (var batch in all.Chunk(100))
                    {
                        var request = new UpsertPoints { CollectionName = "chunks" };
                        request.Points.AddRange(batch);
                        await points.UpsertAsync(request, cancellationToken: ct);
                    }

                    foreach (var batch in all.Chunk(100))
                    {
                        await points.UpsertAsync(new UpsertPoints { CollectionName = "chunks", Points = { batch } }, cancellationToken: ct);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Deletes_and_payload_updates_in_a_loop_are_not_upserts()
    {
        await ExpectNone("""
            public sealed class Janitor(QdrantClient client)
            {
                public async Task CleanAsync(IEnumerable<Guid> ids, CancellationToken ct)
                {
                    foreach (var id in ids)
                    {
                        await client.DeleteAsync("chunks", id, cancellationToken: ct);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Upsert_in_a_local_function_is_not_attributed_to_the_caller_loop()
    {
        await ExpectNone("""
            public sealed class LocalFunctionWriter(QdrantClient client)
            {
                public async Task WriteAllAsync(IReadOnlyList<PointStruct> points, CancellationToken ct)
                {
                    await FlushAsync(points);

                    Task FlushAsync(IReadOnlyList<PointStruct> batch) => client.UpsertAsync("chunks", batch, cancellationToken: ct);
                }
            }
            """);
    }

    [Fact]
    public async Task Same_point_written_to_each_tenant_collection_cannot_be_batched()
    {
        await ExpectNone("""
            public sealed class TenantBroadcaster(QdrantClient client)
            {
                public async Task BroadcastAsync(PointStruct announcement, IEnumerable<string> tenantCollections, CancellationToken ct)
                {
                    foreach (var collection in tenantCollections)
                    {
                        await client.UpsertAsync(collection, new[] { announcement }, cancellationToken: ct);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task List_created_per_document_and_filled_with_AddRange_is_a_batch()
    {
        await ExpectNone("""
            public sealed class DocumentIndexer(QdrantClient client)
            {
                public async Task IndexAsync(IEnumerable<SourceDocument> documents, Func<string, float[]> embed, CancellationToken ct)
                {
                    foreach (var document in documents)
                    {
                        var points = new List<PointStruct> { new PointStruct { Id = Guid.NewGuid(), Vectors = embed(document.Title) } };
                        points.AddRange(document.Chunks.Select(chunk => new PointStruct { Id = Guid.NewGuid(), Vectors = embed(chunk) }));
                        await client.UpsertAsync("chunks", points, cancellationToken: ct);
                    }
                }
            }
            """);
    }
}
