using PerfTuner.Analyzers.Rules;
using PerfTuner.Analyzers.Tests.Verifiers;
using static PerfTuner.Analyzers.Tests.Rules.PT0002Sources;

namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>PT0002 options: <c>perftuner.PT0002.upsert_methods</c> and <c>perftuner.PT0002.batch_size</c>.</summary>
public class PT0002OptionsTests
{
    private const string Repository = """

        namespace MyCompany.Memory
        {
            public interface IVectorStore
            {
                Task SaveAsync(PointStruct point, CancellationToken ct = default);
            }

            public sealed class VectorRepository
            {
                public Task SaveAsync(PointStruct point, CancellationToken ct = default) => Task.CompletedTask;
                public Task SaveManyAsync(IReadOnlyList<PointStruct> points, CancellationToken ct = default) => Task.CompletedTask;
                public Task StoreAsync(Guid id, float[] vector, Dictionary<string, string> payload, CancellationToken ct = default) => Task.CompletedTask;
            }

            public sealed class PgVectorStore : IVectorStore
            {
                public Task SaveAsync(PointStruct point, CancellationToken ct = default) => Task.CompletedTask;
            }

            public static class Outer
            {
                public sealed class Repo<T>
                {
                    public Task PutAsync(T item) => Task.CompletedTask;
                }
            }
        }
        """;

    private static string Source(string code) => Wrap(code) + Repository;

    private const string WrapperInLoop = """
        public sealed class MemoryImporter(MyCompany.Memory.VectorRepository repository)
        {
            public async Task ImportAsync(IEnumerable<ChatMessage> messages, Func<string, float[]> embed, CancellationToken ct)
            {
                foreach (var message in messages)
                {
                    var point = new PointStruct { Id = message.Id, Vectors = embed(message.Text) };
                    await {|#0:repository.SaveAsync(point, ct)|};
                }
            }
        }
        """;

    [Fact]
    public async Task Configured_wrapper_called_per_item_is_reported()
    {
        await Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(
            Source(WrapperInLoop),
            "perftuner.PT0002.upsert_methods = MyCompany.Memory.VectorRepository.SaveAsync",
            Verify<UnbatchedUpsertAnalyzer>.Diagnostic("PT0002").WithLocation(0).WithArguments("VectorRepository.SaveAsync"));
    }

    [Fact]
    public async Task Wrapper_is_silent_when_not_configured()
    {
        await Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(Source(WrapperInLoop.Replace("{|#0:", string.Empty).Replace("|}", string.Empty)));
    }

    [Fact]
    public async Task Configured_interface_method_matches_calls_through_the_implementation()
    {
        await Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(
            Source("""
                public sealed class Importer(MyCompany.Memory.PgVectorStore store, MyCompany.Memory.IVectorStore abstraction)
                {
                    public async Task ImportAsync(IEnumerable<PointStruct> points, CancellationToken ct)
                    {
                        foreach (var point in points)
                        {
                            await [|store.SaveAsync(point, ct)|];
                            await [|abstraction.SaveAsync(point, ct)|];
                        }
                    }
                }
                """),
            "perftuner.PT0002.upsert_methods = MyCompany.Memory.IVectorStore.SaveAsync");
    }

    [Fact]
    public async Task Configured_batch_wrapper_is_silent_for_batches_and_reported_for_one_element_arrays()
    {
        await Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(
            Source("""
                public sealed class Importer(MyCompany.Memory.VectorRepository repository)
                {
                    public async Task ImportAsync(IReadOnlyList<PointStruct> points, CancellationToken ct)
                    {
                        foreach (var batch in points.Chunk(100))
                        {
                            await repository.SaveManyAsync(batch, ct);
                        }

                        foreach (var point in points)
                        {
                            await [|repository.SaveManyAsync(new[] { point }, ct)|];
                        }
                    }
                }
                """),
            "perftuner.PT0002.upsert_methods = MyCompany.Memory.VectorRepository.SaveManyAsync");
    }

    [Fact]
    public async Task Vectors_and_payload_dictionaries_are_not_batches()
    {
        await Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(
            Source("""
                public sealed class Importer(MyCompany.Memory.VectorRepository repository)
                {
                    public async Task ImportAsync(IEnumerable<ChunkRecord> records, Func<string, float[]> embed, CancellationToken ct)
                    {
                        foreach (var record in records)
                        {
                            await [|repository.StoreAsync(record.Id, embed(record.Text), new Dictionary<string, string> { ["text"] = record.Text }, ct)|];
                        }
                    }
                }
                """),
            "perftuner.PT0002.upsert_methods = MyCompany.Memory.VectorRepository.StoreAsync");
    }

    [Fact]
    public async Task Entry_list_accepts_global_prefix_nested_generic_types_spaces_and_empty_entries()
    {
        await Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(
            Source("""
                public sealed class Importer(MyCompany.Memory.Outer.Repo<ChunkRecord> repo, MyCompany.Memory.VectorRepository repository)
                {
                    public async Task ImportAsync(IEnumerable<ChunkRecord> records)
                    {
                        foreach (var record in records)
                        {
                            await [|repo.PutAsync(record)|];
                            await [|repository.SaveAsync(new PointStruct { Id = record.Id })|];
                        }
                    }
                }
                """),
            "perftuner.PT0002.upsert_methods =  global::MyCompany.Memory.Outer+Repo`1.PutAsync , Not.A.Type.Method,, MyCompany.Memory.VectorRepository.SaveAsync ");
    }

    [Fact]
    public async Task Configured_wrapper_in_a_retry_loop_around_one_point_is_silent()
    {
        await Verify<UnbatchedUpsertAnalyzer>.AnalyzerAsync(
            Source("""
                public sealed class Writer(MyCompany.Memory.VectorRepository repository)
                {
                    public async Task WriteAsync(PointStruct point, CancellationToken ct)
                    {
                        for (var attempt = 0; attempt < 3; attempt++)
                        {
                            try
                            {
                                await repository.SaveAsync(point, ct);
                                return;
                            }
                            catch (TimeoutException)
                            {
                            }
                        }
                    }
                }
                """),
            "perftuner.PT0002.upsert_methods = MyCompany.Memory.VectorRepository.SaveAsync");
    }

    [Theory]
    [InlineData(null, "100")]
    [InlineData("perftuner.PT0002.batch_size = 256", "256")]
    [InlineData("perftuner.PT0002.batch_size = 0", "100")]
    [InlineData("perftuner.PT0002.batch_size = -5", "100")]
    [InlineData("perftuner.PT0002.batch_size = lots", "100")]
    [InlineData("perftuner.PT0002.batch_size = 1000000000", "100")]
    public async Task Batch_size_option_reaches_the_code_fix_through_the_diagnostic(string? editorConfig, string expected)
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
        var diagnostic = Assert.Single(await Verify<UnbatchedUpsertAnalyzer>.GetAnalyzerDiagnosticsAsync(source, editorConfig));
        Assert.Equal(expected, diagnostic.Properties[UnbatchedUpsertAnalyzer.BatchSizeProperty]);
    }

    [Fact]
    public async Task Configured_methods_are_per_file()
    {
        // A .editorconfig section that does not match the file leaves the wrapper unconfigured for it.
        var test = new Verify<UnbatchedUpsertAnalyzer>.AnalyzerTest(editorConfig: null)
        {
            TestCode = Source(WrapperInLoop.Replace("{|#0:", string.Empty).Replace("|}", string.Empty)),
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[Other.cs]\nperftuner.PT0002.upsert_methods = MyCompany.Memory.VectorRepository.SaveAsync\n"));
        await test.RunAsync();
    }
}
