using PerfTuner.Analyzers.Rules;
using PerfTuner.CodeFixes;
using PerfTuner.Analyzers.Tests.Verifiers;
using static PerfTuner.Analyzers.Tests.Rules.PT0002Sources;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>The PT0002 fix collects the points in the loop and upserts them in Chunk batches after it.</summary>
public class PT0002CodeFixTests
{
    private static Task Fix(string before, string after, string? editorConfig = null) =>
        VerifyFix<UnbatchedUpsertAnalyzer, UnbatchedUpsertCodeFix>.CodeFixAsync(Wrap(before), Wrap(after), editorConfig);

    [Fact]
    public async Task Foreach_with_a_one_element_array_becomes_a_list_and_chunked_upserts()
    {
        await Fix(
            """
            public sealed class JsonlImporter(QdrantClient client, IEmbedder embedder)
            {
                public async Task ImportAsync(string path, CancellationToken ct)
                {
                    foreach (var line in File.ReadLines(path))
                    {
                        var record = JsonSerializer.Deserialize<ChunkRecord>(line)!;
                        var point = new PointStruct { Id = record.Id, Vectors = await embedder.EmbedAsync(record.Text, ct) };
                        await [|client.UpsertAsync("chunks", new[] { point }, cancellationToken: ct)|];
                    }
                }
            }
            """,
            """
            public sealed class JsonlImporter(QdrantClient client, IEmbedder embedder)
            {
                public async Task ImportAsync(string path, CancellationToken ct)
                {
                    var points = new List<PointStruct>();
                    foreach (var line in File.ReadLines(path))
                    {
                        var record = JsonSerializer.Deserialize<ChunkRecord>(line)!;
                        var point = new PointStruct { Id = record.Id, Vectors = await embedder.EmbedAsync(record.Text, ct) };
                        points.Add(point);
                    }

                    foreach (var batch in points.Chunk(100))
                    {
                        await client.UpsertAsync("chunks", batch, cancellationToken: ct);
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Await_foreach_with_a_collection_expression_keeps_wait_ConfigureAwait_and_uses_batch_size_option()
    {
        await Fix(
            """
            public sealed class StreamIndexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task IndexAsync(IAsyncEnumerable<ChunkRecord> records, CancellationToken ct)
                {
                    await foreach (var record in records.WithCancellation(ct))
                    {
                        var vector = await embedder.EmbedAsync(record.Text, ct);
                        // one point per record
                        await [|client.UpsertAsync("chunks", [new PointStruct { Id = record.Id, Vectors = vector }], wait: false, cancellationToken: ct)|].ConfigureAwait(false);
                    }
                }
            }
            """,
            """
            public sealed class StreamIndexer(QdrantClient client, IEmbedder embedder)
            {
                public async Task IndexAsync(IAsyncEnumerable<ChunkRecord> records, CancellationToken ct)
                {
                    var points = new List<PointStruct>();
                    await foreach (var record in records.WithCancellation(ct))
                    {
                        var vector = await embedder.EmbedAsync(record.Text, ct);
                        // one point per record
                        points.Add(new PointStruct { Id = record.Id, Vectors = vector });
                    }

                    foreach (var batch in points.Chunk(256))
                    {
                        await client.UpsertAsync("chunks", batch, wait: false, cancellationToken: ct).ConfigureAwait(false);
                    }
                }
            }
            """,
            "perftuner.PT0002.batch_size = 256");
    }

    [Fact]
    public async Task For_loop_with_positional_arguments_and_a_counter_after_the_call()
    {
        await Fix(
            """
            public sealed class CountingIndexer(IQdrantClient client)
            {
                public async Task<int> IndexAsync(IReadOnlyList<(Guid Id, float[] Vector)> rows, CancellationToken ct)
                {
                    var written = 0;
                    for (var i = 0; i < rows.Count; i++)
                    {
                        if (rows[i].Vector.Length == 0)
                        {
                            continue;
                        }

                        await [|client.UpsertAsync("rows", new List<PointStruct> { new() { Id = rows[i].Id, Vectors = rows[i].Vector } }, true, null, null, ct)|];
                        written++;
                    }

                    return written;
                }
            }
            """,
            """
            public sealed class CountingIndexer(IQdrantClient client)
            {
                public async Task<int> IndexAsync(IReadOnlyList<(Guid Id, float[] Vector)> rows, CancellationToken ct)
                {
                    var written = 0;
                    var points = new List<PointStruct>();
                    for (var i = 0; i < rows.Count; i++)
                    {
                        if (rows[i].Vector.Length == 0)
                        {
                            continue;
                        }

                        points.Add(new() { Id = rows[i].Id, Vectors = rows[i].Vector });
                        written++;
                    }

                    foreach (var batch in points.Chunk(100))
                    {
                        await client.UpsertAsync("rows", batch, true, null, null, ct);
                    }

                    return written;
                }
            }
            """);
    }

    [Fact]
    public async Task Loop_body_without_braces_and_a_name_that_is_already_taken()
    {
        await Fix(
            """
            public sealed class Copier(QdrantClient client)
            {
                public void Copy(IEnumerable<PointStruct> source, List<string> points)
                {
                    foreach (var point in source)
                        [|client.UpsertAsync("copy", new[] { point })|].Wait();
                }
            }
            """,
            """
            public sealed class Copier(QdrantClient client)
            {
                public void Copy(IEnumerable<PointStruct> source, List<string> points)
                {
                    var points2 = new List<PointStruct>();
                    foreach (var point in source)
                        points2.Add(point);

                    foreach (var batch in points2.Chunk(100))
                    {
                        client.UpsertAsync("copy", batch).Wait();
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task VectorData_single_record_upserts_become_batched_record_upserts()
    {
        await Fix(
            """
            public sealed class Note
            {
                [Microsoft.Extensions.VectorData.VectorStoreKey] public Guid Id { get; set; }
                [Microsoft.Extensions.VectorData.VectorStoreData] public string Text { get; set; } = "";
                [Microsoft.Extensions.VectorData.VectorStoreVector(384)] public ReadOnlyMemory<float> Embedding { get; set; }
            }

            public sealed class NoteIndexer(Microsoft.Extensions.VectorData.VectorStoreCollection<Guid, Note> notes, IEmbedder embedder)
            {
                public async Task IndexAsync(IEnumerable<string> texts, CancellationToken ct)
                {
                    foreach (var text in texts)
                    {
                        var note = new Note { Id = Guid.NewGuid(), Text = text, Embedding = await embedder.EmbedAsync(text, ct) };
                        await [|notes.UpsertAsync(note, ct)|];
                    }
                }
            }
            """,
            """
            public sealed class Note
            {
                [Microsoft.Extensions.VectorData.VectorStoreKey] public Guid Id { get; set; }
                [Microsoft.Extensions.VectorData.VectorStoreData] public string Text { get; set; } = "";
                [Microsoft.Extensions.VectorData.VectorStoreVector(384)] public ReadOnlyMemory<float> Embedding { get; set; }
            }

            public sealed class NoteIndexer(Microsoft.Extensions.VectorData.VectorStoreCollection<Guid, Note> notes, IEmbedder embedder)
            {
                public async Task IndexAsync(IEnumerable<string> texts, CancellationToken ct)
                {
                    var records = new List<Note>();
                    foreach (var text in texts)
                    {
                        var note = new Note { Id = Guid.NewGuid(), Text = text, Embedding = await embedder.EmbedAsync(text, ct) };
                        records.Add(note);
                    }

                    foreach (var batch in records.Chunk(100))
                    {
                        await notes.UpsertAsync(batch, ct);
                    }
                }
            }
            """);
    }

    [Theory]
    [InlineData("await [|client.UpsertAsync(\"chunks\", new[] { point }, cancellationToken: ct)|];\n            log.Add($\"indexed {point.Id}\");")]
    [InlineData("var result = await [|client.UpsertAsync(\"chunks\", new[] { point }, cancellationToken: ct)|];\n            log.Add(result.Status.ToString());")]
    [InlineData("await [|client.UpsertAsync(\"chunks\", new[] { point }, cancellationToken: ct)|];\n            if (log.Count > 1000) return;")]
    [InlineData("if (point.Id == null) throw new InvalidOperationException(\"no id\");\n            await [|client.UpsertAsync(\"chunks\", new[] { point }, cancellationToken: ct)|];")]
    [InlineData("await [|client.UpsertAsync(log[0], new[] { point }, cancellationToken: ct)|];\n            log.RemoveAt(0);")]
    [InlineData("var collection = \"chunks-\" + point.Id.Num % 4;\n            await [|client.UpsertAsync(collection, new[] { point }, cancellationToken: ct)|];")]
    [InlineData("try { await [|client.UpsertAsync(\"chunks\", new[] { point }, cancellationToken: ct)|]; } catch (Grpc.Core.RpcException) { log.Add(\"failed\"); }")]
    [InlineData("await [|client.UpsertAsync(\"chunks\", new[] { point }, cancellationToken: ct)|];\n            await [|client.UpsertAsync(\"mirror\", new[] { point }, cancellationToken: ct)|];")]
    public async Task Not_offered_when_the_loop_could_observe_the_difference(string body)
    {
        var source = Wrap($$"""
            public sealed class Indexer(QdrantClient client)
            {
                public async Task IndexAsync(IEnumerable<PointStruct> points, List<string> log, CancellationToken ct)
                {
                    foreach (var point in points)
                    {
                        {{body}}
                    }
                }
            }
            """);
        await VerifyFix<UnbatchedUpsertAnalyzer, UnbatchedUpsertCodeFix>.CodeFixAsync(source, source);
    }

    [Fact]
    public async Task Not_offered_for_a_Select_lambda_which_is_reported_but_rewritten_by_hand()
    {
        var source = Wrap("""
            public sealed class ParallelIndexer(QdrantClient client)
            {
                public Task IndexAsync(IEnumerable<PointStruct> points, CancellationToken ct) =>
                    Task.WhenAll(points.Select(point => [|client.UpsertAsync("chunks", new[] { point }, cancellationToken: ct)|]));
            }
            """);
        await VerifyFix<UnbatchedUpsertAnalyzer, UnbatchedUpsertCodeFix>.CodeFixAsync(source, source);
    }

    [Fact]
    public async Task Fix_all_rewrites_every_loop_in_the_document_with_distinct_names()
    {
        await VerifyFix<UnbatchedUpsertAnalyzer, UnbatchedUpsertCodeFix>.FixAllAsync(
            Wrap("""
            public sealed class TwoCollections(QdrantClient client)
            {
                public async Task IndexAsync(IReadOnlyList<PointStruct> chunks, IReadOnlyList<PointStruct> titles, CancellationToken ct)
                {
                    foreach (var chunk in chunks)
                    {
                        await [|client.UpsertAsync("chunks", new[] { chunk }, cancellationToken: ct)|];
                    }

                    foreach (var title in titles)
                    {
                        await [|client.UpsertAsync("titles", new[] { title }, cancellationToken: ct)|];
                    }
                }

                public async Task MirrorAsync(IEnumerable<PointStruct> source, CancellationToken ct)
                {
                    foreach (var point in source)
                    {
                        await [|client.UpsertAsync("mirror", [point], wait: false, cancellationToken: ct)|];
                    }
                }
            }
            """),
            Wrap("""
            public sealed class TwoCollections(QdrantClient client)
            {
                public async Task IndexAsync(IReadOnlyList<PointStruct> chunks, IReadOnlyList<PointStruct> titles, CancellationToken ct)
                {
                    var points = new List<PointStruct>();
                    foreach (var chunk in chunks)
                    {
                        points.Add(chunk);
                    }

                    foreach (var batch in points.Chunk(64))
                    {
                        await client.UpsertAsync("chunks", batch, cancellationToken: ct);
                    }

                    var points2 = new List<PointStruct>();
                    foreach (var title in titles)
                    {
                        points2.Add(title);
                    }

                    foreach (var batch2 in points2.Chunk(64))
                    {
                        await client.UpsertAsync("titles", batch2, cancellationToken: ct);
                    }
                }

                public async Task MirrorAsync(IEnumerable<PointStruct> source, CancellationToken ct)
                {
                    var points = new List<PointStruct>();
                    foreach (var point in source)
                    {
                        points.Add(point);
                    }

                    foreach (var batch in points.Chunk(64))
                    {
                        await client.UpsertAsync("mirror", batch, wait: false, cancellationToken: ct);
                    }
                }
            }
            """),
            "perftuner.PT0002.batch_size = 64");
    }
}
