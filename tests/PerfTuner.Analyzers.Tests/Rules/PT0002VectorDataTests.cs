using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using static PerfTuner.Analyzers.Tests.Rules.PT0002Sources;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0002 over Microsoft.Extensions.VectorData 9.7: VectorStoreCollection&lt;TKey, TRecord&gt;.UpsertAsync(record) vs UpsertAsync(records).</summary>
public class PT0002VectorDataTests
{
    private const string Model = """

        public sealed class Note
        {
            [Microsoft.Extensions.VectorData.VectorStoreKey] public Guid Id { get; set; }
            [Microsoft.Extensions.VectorData.VectorStoreData] public string Text { get; set; } = "";
            [Microsoft.Extensions.VectorData.VectorStoreVector(384)] public ReadOnlyMemory<float> Embedding { get; set; }
        }

        public abstract class NoteCollection : Microsoft.Extensions.VectorData.VectorStoreCollection<Guid, Note>
        {
        }
        """;

    private static Task Check(string code) => Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(Wrap("using Microsoft.Extensions.VectorData;\n" + code) + Model);

    [Fact]
    public async Task Single_record_upsert_per_note_is_reported()
    {
        await Check("""
            public sealed class NoteIndexer(VectorStoreCollection<Guid, Note> notes, IEmbedder embedder)
            {
                public async Task IndexAsync(IEnumerable<string> texts, CancellationToken ct)
                {
                    foreach (var text in texts)
                    {
                        await [|notes.UpsertAsync(new Note { Id = Guid.NewGuid(), Text = text, Embedding = await embedder.EmbedAsync(text, ct) }, ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Provider_collection_override_is_recognised()
    {
        await Check("""
            public sealed class NoteIndexer(NoteCollection notes)
            {
                public async Task IndexAsync(IAsyncEnumerable<Note> incoming)
                {
                    await foreach (var note in incoming)
                    {
                        await [|notes.UpsertAsync(note)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Batch_overload_with_a_one_element_array_is_reported()
    {
        await Check("""
            public sealed class NoteIndexer(VectorStoreCollection<Guid, Note> notes)
            {
                public async Task IndexAsync(IEnumerable<Note> incoming, CancellationToken ct)
                {
                    foreach (var note in incoming)
                    {
                        await [|notes.UpsertAsync(new[] { note }, ct)|];
                    }
                }
            }
            """);
    }

    [Fact]
    public async Task Batch_overload_per_page_and_searches_in_a_loop_are_silent()
    {
        await Check("""
            public sealed class NoteSync(VectorStoreCollection<Guid, Note> notes)
            {
                public async Task SyncAsync(IAsyncEnumerable<IReadOnlyList<Note>> pages, IEnumerable<ReadOnlyMemory<float>> probes, CancellationToken ct)
                {
                    await foreach (var page in pages)
                    {
                        await notes.UpsertAsync(page, ct);
                    }

                    foreach (var probe in probes)
                    {
                        await foreach (var hit in notes.SearchAsync(probe, top: 3, cancellationToken: ct))
                        {
                            Console.WriteLine(hit.Record.Text);
                        }
                    }
                }
            }
            """);
    }
}
