using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using static PerfTuner.Analyzers.Tests.Rules.PT0002Sources;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0002 reports upserts that send one item's payload per loop iteration.</summary>
public class PT0002PositiveTests
{
    private static Task Expect(string code) => Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(Wrap(code));

    [Fact]
    public async Task Jsonl_importer_upserting_a_one_element_array_per_line()
    {
        await Expect("""
            public sealed class JsonlImporter(QdrantClient client, IEmbedder embedder)
            {
                public async Task ImportAsync(string path, CancellationToken ct)
                {
                    foreach (var line in File.ReadLines(path))
                    {
                        var record = JsonSerializer.Deserialize<ChunkRecord>(line)!;
                        var vector = await embedder.EmbedAsync(record.Text, ct);
                        var point = new PointStruct { Id = record.Id, Vectors = vector, Payload = { ["text"] = record.Text } };
                        await [|client.UpsertAsync("chunks", new[] { point }, cancellationToken: ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Conversation_memory_writer_upserting_a_one_element_list_per_message()
    {
        await Expect("""
            public sealed class ConversationMemory
            {
                private readonly QdrantClient _client;
                private readonly IEmbedder _embedder;

                public ConversationMemory(QdrantClient client, IEmbedder embedder) => (_client, _embedder) = (client, embedder);

                public async Task RememberAsync(IReadOnlyList<ChatMessage> messages, CancellationToken ct)
                {
                    foreach (var message in messages)
                    {
                        var point = new PointStruct
                        {
                            Id = message.Id,
                            Vectors = await _embedder.EmbedAsync(message.Text, ct),
                            Payload = { ["conversation"] = message.ConversationId, ["role"] = message.Role },
                        };
                        await [|_client.UpsertAsync("memory", new List<PointStruct> { point }, wait: true, cancellationToken: ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Chunk_indexer_with_a_for_loop_and_a_collection_expression()
    {
        await Expect("""
            public sealed class ChunkIndexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task IndexAsync(SourceDocument document, CancellationToken ct)
                {
                    for (var i = 0; i < document.Chunks.Count; i++)
                    {
                        var vector = await embedder.EmbedAsync(document.Chunks[i], ct);
                        PointStruct point = new() { Id = Guid.NewGuid(), Vectors = vector, Payload = { ["doc"] = document.Id, ["ordinal"] = i } };
                        await [|client.UpsertAsync("chunks", [point], cancellationToken: ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Await_foreach_over_an_async_stream_of_records()
    {
        await Expect("""
            public sealed class StreamIndexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task IndexAsync(IAsyncEnumerable<ChunkRecord> records, CancellationToken ct)
                {
                    await foreach (var record in records.WithCancellation(ct))
                    {
                        var point = new PointStruct { Id = record.Id, Vectors = await embedder.EmbedAsync(record.Text, ct) };
                        await [|client.UpsertAsync("chunks", new[] { point }, wait: false, cancellationToken: ct)|].ConfigureAwait(false);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task List_ForEach_lambda_is_the_loop_body()
    {
        await Expect("""
            public sealed class BackfillJob(QdrantClient client)
            {
                public void Backfill(List<ChunkRecord> records, Func<string, float[]> embed)
                {
                    records.ForEach(record =>
                        [|client.UpsertAsync("chunks", new[] { new PointStruct { Id = record.Id, Vectors = embed(record.Text) } })|].GetAwaiter().GetResult());
                }
            }
            """);
    }

    [Fact]
    public async Task Select_lambda_with_WhenAll_sends_one_request_per_record()
    {
        await Expect("""
            public sealed class ParallelIndexer(QdrantClient client)
            {
                public Task IndexAsync(IEnumerable<(ChunkRecord Record, float[] Vector)> items, CancellationToken ct) =>
                    Task.WhenAll(items.Select(item =>
                        [|client.UpsertAsync("chunks", new[] { new PointStruct { Id = item.Record.Id, Vectors = item.Vector } }, cancellationToken: ct)|]));
            }
            """);
    }

    [Fact]
    public async Task While_reader_loop_over_a_text_file()
    {
        await Expect("""
            public sealed class CsvImporter(QdrantClient client, IEmbedder embedder)
            {
                public async Task ImportAsync(TextReader reader, CancellationToken ct)
                {
                    string? line;
                    while ((line = await reader.ReadLineAsync(ct)) != null)
                    {
                        var columns = line.Split(',');
                        var point = new PointStruct { Id = Guid.Parse(columns[0]), Vectors = await embedder.EmbedAsync(columns[1], ct) };
                        await [|client.UpsertAsync("rows", new PointStruct[] { point }, cancellationToken: ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Channel_consumer_drains_items_one_upsert_each()
    {
        await Expect("""
            public sealed class IndexingWorker(QdrantClient client, Channel<ChunkRecord> queue, IEmbedder embedder)
            {
                public async Task RunAsync(CancellationToken ct)
                {
                    while (await queue.Reader.WaitToReadAsync(ct))
                    {
                        while (queue.Reader.TryRead(out var record))
                        {
                            var vector = await embedder.EmbedAsync(record.Text, ct);
                            await [|client.UpsertAsync("chunks", new[] { new PointStruct { Id = record.Id, Vectors = vector } }, cancellationToken: ct)|];
                        }
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Injected_IQdrantClient_interface_in_a_foreach()
    {
        await Expect("""
            public sealed class FeedbackStore(IQdrantClient client)
            {
                public async Task SaveAsync(IEnumerable<(Guid Id, float[] Vector, string Label)> feedback, CancellationToken ct)
                {
                    foreach (var (id, vector, label) in feedback)
                    {
                        await [|client.UpsertAsync("feedback", new[] { new PointStruct { Id = id, Vectors = vector, Payload = { ["label"] = label } } }, cancellationToken: ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task List_created_in_the_loop_body_and_filled_with_one_point()
    {
        await Expect("""
            public sealed class ProductIndexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task IndexAsync(IReadOnlyList<ChunkRecord> products, CancellationToken ct)
                {
                    foreach (var product in products)
                    {
                        var points = new List<PointStruct>();
                        points.Add(new PointStruct { Id = product.Id, Vectors = await embedder.EmbedAsync(product.Text, ct) });
                        await [|client.UpsertAsync("products", points, cancellationToken: ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task UpsertPoints_request_built_per_item_for_the_high_level_client()
    {
        await Expect("""
            public sealed class RequestIndexer(QdrantClient client)
            {
                public async Task IndexAsync(IEnumerable<(ChunkRecord Record, float[] Vector)> items, CancellationToken ct)
                {
                    foreach (var (record, vector) in items)
                    {
                        var request = new UpsertPoints { CollectionName = "chunks", Wait = true };
                        request.Points.Add(new PointStruct { Id = record.Id, Vectors = vector });
                        await [|client.UpsertAsync(request, ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Low_level_grpc_PointsClient_with_a_request_per_point()
    {
        await Expect("""
            public sealed class GrpcIndexer(Points.PointsClient points)
            {
                public async Task IndexAsync(IEnumerable<(ChunkRecord Record, float[] Vector)> items, CancellationToken ct)
                {
                    foreach (var (record, vector) in items)
                    {
                        await [|points.UpsertAsync(new UpsertPoints { CollectionName = "chunks", Points = { new PointStruct { Id = record.Id, Vectors = vector } } }, cancellationToken: ct)|];
                    }
                }

                public void IndexBlocking(IEnumerable<(ChunkRecord Record, float[] Vector)> items)
                {
                    foreach (var (record, vector) in items)
                    {
                        [|points.Upsert(new UpsertPoints { CollectionName = "chunks", Points = { new PointStruct { Id = record.Id, Vectors = vector } } })|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Retry_loop_inside_a_loop_over_documents_is_still_one_upsert_per_document()
    {
        await Expect("""
            public sealed class ResilientIndexer(QdrantClient client)
            {
                public async Task IndexAsync(IEnumerable<(ChunkRecord Record, float[] Vector)> items, CancellationToken ct)
                {
                    foreach (var (record, vector) in items)
                    {
                        var point = new PointStruct { Id = record.Id, Vectors = vector };
                        for (var attempt = 1; attempt <= 3; attempt++)
                        {
                            try
                            {
                                await [|client.UpsertAsync("chunks", new[] { point }, cancellationToken: ct)|];
                                break;
                            }
                            catch (Grpc.Core.RpcException) when (attempt < 3)
                            {
                                await Task.Delay(100 * attempt, ct);
                            }
                        }
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Parallel_ForEachAsync_body_upserting_each_record()
    {
        await Expect("""
            public sealed class ParallelImporter(QdrantClient client, IEmbedder embedder)
            {
                public Task ImportAsync(IEnumerable<ChunkRecord> records, CancellationToken ct) =>
                    Parallel.ForEachAsync(records, ct, async (record, token) =>
                    {
                        var vector = await embedder.EmbedAsync(record.Text, token);
                        await [|client.UpsertAsync("chunks", new[] { new PointStruct { Id = record.Id, Vectors = vector } }, cancellationToken: token)|];
                    });
            }
            """);
    }

    [Fact]
    public async Task Polly_style_retry_lambda_inside_a_foreach_is_transparent()
    {
        await Expect("""
            public sealed class PolicyIndexer(QdrantClient client)
            {
                public async Task IndexAsync(IEnumerable<(ChunkRecord Record, float[] Vector)> items, Func<Func<Task>, Task> retry)
                {
                    foreach (var (record, vector) in items)
                    {
                        await retry(() => [|client.UpsertAsync("chunks", new[] { new PointStruct { Id = record.Id, Vectors = vector } })|]);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Do_while_paging_loop_writes_each_page_item_separately()
    {
        await Expect("""
            public sealed class Migrator(QdrantClient source, QdrantClient target)
            {
                public async Task MigrateAsync(CancellationToken ct)
                {
                    PointId? offset = null;
                    do
                    {
                        var page = await source.ScrollAsync("old", limit: 256, offset: offset, vectorsSelector: true, cancellationToken: ct);
                        foreach (var retrieved in page.Result)
                        {
                            var point = new PointStruct { Id = retrieved.Id, Vectors = retrieved.Vectors.Vector.Data.ToArray() };
                            await [|target.UpsertAsync("new", [point], cancellationToken: ct)|];
                        }

                        offset = page.NextPageOffset;
                    }
                    while (offset != null);
                }
            }
            """);
    }

    [Fact]
    public async Task Database_reader_backfill_writes_each_row_separately()
    {
        await Expect("""
            public sealed class SqlBackfill(QdrantClient client)
            {
                public async Task RunAsync(System.Data.Common.DbDataReader reader, CancellationToken ct)
                {
                    while (await reader.ReadAsync(ct))
                    {
                        var point = new PointStruct { Id = reader.GetGuid(0), Vectors = (float[])reader.GetValue(1), Payload = { ["title"] = reader.GetString(2) } };
                        await [|client.UpsertAsync("rows", new[] { point }, cancellationToken: ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Message_names_the_method()
    {
        var source = Wrap("""
            public sealed class Writer(QdrantClient client)
            {
                public async Task WriteAsync(IEnumerable<PointStruct> points)
                {
                    foreach (var point in points)
                    {
                        await client.UpsertAsync("c", new[] { point });
                    }
                }
            }
            """);
        var diagnostics = await Verify<UnbatchedUpsertAnalyzer>.GetAnalyzerDiagnosticsAsync(source);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("PT0002", diagnostic.Id);
        Assert.Equal(
            "'QdrantClient.UpsertAsync' is called once per loop iteration with a per-item payload; collect the points and upsert them in batches",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("100", diagnostic.Properties[UnbatchedUpsertAnalyzer.BatchSizeProperty]);
    }
}
