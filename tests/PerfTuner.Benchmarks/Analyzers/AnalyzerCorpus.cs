using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// A generated, deterministic corpus of realistic service code (Qdrant importers, search services, caches, fan-outs,
/// semaphores, plain DTO/LINQ code) with positive and negative shapes for every PerfTuner rule, compiled against the
/// real Qdrant.Client / Grpc / Microsoft.Extensions.Caching.Memory assemblies and the runtime's reference pack.
/// </summary>
public sealed class AnalyzerCorpus
{
    /// <summary>The corpus has at least this many lines (the floor).</summary>
    public const int MinimumLines = 50_000;

    private AnalyzerCorpus(CSharpCompilation compilation, int lines, int files)
    {
        Compilation = compilation;
        Lines = lines;
        Files = files;
    }

    public CSharpCompilation Compilation { get; }

    public int Lines { get; }

    public int Files { get; }

    /// <param name="withQdrant">false: the same kind of code without Qdrant.Client/Grpc referenced at all.</param>
    /// <param name="shapeEvery">
    /// 1 (the default, the dense corpus): every file holds every rule's positive and negative shapes next to plain
    /// code, so about two thirds of all members are ones some rule must look at. N: only every N-th file does; the
    /// others hold plain code only (a code base where caches, imports, fan-outs and throttles are a minority).
    /// </param>
    public static AnalyzerCorpus Create(bool withQdrant, int shapeEvery = 1)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp12);
        var sources = Sources(withQdrant, shapeEvery);
        var trees = sources
            .Select(source => CSharpSyntaxTree.ParseText(source.Text, parseOptions, path: "/corpus/" + source.FileName, encoding: Encoding.UTF8))
            .ToList();

        var compilation = CSharpCompilation.Create(
            AssemblyName(withQdrant),
            trees,
            References(withQdrant),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: true));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToArray();
        if (errors.Length > 0)
        {
            throw new InvalidOperationException("corpus does not compile:\n" + string.Join("\n", errors.Select(e => e.ToString())));
        }

        return new AnalyzerCorpus(compilation, sources.Sum(s => CountLines(s.Text)), trees.Count);
    }

    public static string AssemblyName(bool withQdrant) => withQdrant ? "Corpus.WithQdrant" : "Corpus.WithoutQdrant";

    /// <summary>The corpus files ("Service0.cs", text), generated until the line count reaches <see cref="MinimumLines"/>.</summary>
    public static IReadOnlyList<(string FileName, string Text)> Sources(bool withQdrant, int shapeEvery = 1)
    {
        if (shapeEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(shapeEvery), shapeEvery, "must be 1 or more");
        }

        var sources = new List<(string, string)>();
        var lines = 0;
        for (var i = 0; lines < MinimumLines; i++)
        {
            var text = ServiceFile(i, withQdrant, withShapes: i % shapeEvery == 0);
            lines += CountLines(text);
            sources.Add(($"Service{i}.cs", text));
        }

        return sources;
    }

    private static int CountLines(string text)
    {
        var count = 1;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The runtime's reference assemblies (the installed ref pack) plus the libraries the corpus uses.</summary>
    private static ImmutableArray<MetadataReference> References(bool withQdrant)
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll → <dotnet>/packs/Microsoft.NETCore.App.Ref
        var sharedDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)))!;
        var refPack = Path.GetFullPath(Path.Combine(sharedDir, "..", "packs", "Microsoft.NETCore.App.Ref"));
        var major = Environment.Version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var version = Directory.Exists(refPack)
            ? Directory.GetDirectories(refPack).Where(d => Path.GetFileName(d).StartsWith(major + ".", StringComparison.Ordinal)).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
            : null;
        var refDir = version == null ? null : Path.Combine(version, "ref", "net" + major + ".0");

        IEnumerable<string> framework = refDir != null && Directory.Exists(refDir)
            ? Directory.GetFiles(refDir, "*.dll")
            : ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll");

        return framework
            .Concat(LibraryAssemblies(withQdrant))
            .Distinct(StringComparer.Ordinal)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    /// <summary>The non-framework assemblies the corpus compiles against (the exact files this process loaded).</summary>
    public static IReadOnlyList<string> LibraryAssemblies(bool withQdrant)
    {
        var libraries = new List<Type>
        {
            typeof(Microsoft.Extensions.Caching.Memory.MemoryCache),
            typeof(Microsoft.Extensions.Caching.Memory.IMemoryCache),
            typeof(Microsoft.Extensions.Options.IOptions<>),
            typeof(Microsoft.Extensions.Primitives.IChangeToken),
            typeof(Microsoft.Extensions.Logging.ILoggerFactory),
        };
        if (withQdrant)
        {
            libraries.Add(typeof(Qdrant.Client.QdrantClient));
            libraries.Add(typeof(Google.Protobuf.IMessage));
            libraries.Add(typeof(Grpc.Core.CallInvoker));
            libraries.Add(typeof(Grpc.Net.Client.GrpcChannel));
        }

        return libraries.Select(t => t.Assembly.Location).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>One service file (~300 lines); the i-th file varies names and a few shapes so files are not identical.</summary>
    internal static string ServiceFile(int i, bool withQdrant, bool withShapes = true)
    {
        var sb = new StringBuilder();
        sb.Append("""
            using System;
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using System.Linq;
            using System.Net.Http;
            using System.Text;
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.Extensions.Caching.Memory;

            """);
        if (withQdrant)
        {
            sb.Append("""
                using Grpc.Net.Client;
                using Qdrant.Client;
                using Qdrant.Client.Grpc;

                """);
        }

        sb.Append(Namespace(i));
        if (withShapes)
        {
            sb.Append(RuleShapes(i));
            sb.Append(withQdrant ? QdrantShapes(i) : VectorStoreShapes(i));
        }

        sb.Append(PlainCode(i));
        return sb.ToString();
    }

    private static string Namespace(int i) => $$"""

        namespace Corpus.Service{{i}}
        {
            public sealed record Document{{i}}(string Id, string Text, float[] Vector, string Tenant);

            public enum Priority{{i}} { Low, Normal, High }

        """;

    private static string RuleShapes(int i) => $$"""

            // PT0001 positive: a static cache that only grows.
            public sealed class EmbeddingCache{{i}}
            {
                private static readonly Dictionary<string, float[]> Cache = new();

                public float[] Embed(string text)
                {
                    if (Cache.TryGetValue(text, out var vector))
                    {
                        return vector;
                    }

                    vector = Compute(text);
                    Cache[text] = vector;
                    return vector;
                }

                private static float[] Compute(string text)
                {
                    var vector = new float[8];
                    for (var k = 0; k < text.Length; k++)
                    {
                        vector[k % 8] += text[k] * {{i % 7 + 1}};
                    }

                    return vector;
                }
            }

            // PT0001 negatives: eviction, size guard, closed key domain.
            public sealed class BoundedCache{{i}}
            {
                private readonly ConcurrentDictionary<string, string> _cache = new();
                private static readonly Dictionary<Priority{{i}}, string> Labels = new();

                public string Get(string key, Func<string, string> load)
                {
                    if (_cache.Count > 10_000)
                    {
                        _cache.Clear();
                    }

                    return _cache.GetOrAdd(key, load);
                }

                public void Invalidate(string key) => _cache.TryRemove(key, out _);

                public string Label(Priority{{i}} priority)
                {
                    if (!Labels.TryGetValue(priority, out var label))
                    {
                        label = priority.ToString().ToLowerInvariant();
                        Labels[priority] = label;
                    }

                    return label;
                }
            }

            // PT0001: MemoryCache without and with a SizeLimit.
            public sealed class ResultCache{{i}}
            {
                private readonly MemoryCache _unbounded = new MemoryCache(new MemoryCacheOptions());
                private readonly MemoryCache _bounded = new MemoryCache(new MemoryCacheOptions { SizeLimit = 10_000 });

                public string? Find(string query) => _unbounded.TryGetValue(query, out string? hit) ? hit : null;

                public void Store(string query, string result)
                {
                    _unbounded.Set(query, result);
                    _bounded.Set(query, result, new MemoryCacheEntryOptions { Size = 1 });
                }
            }

            // PT0003: unbounded and bounded fan-outs.
            public sealed class FanOut{{i}}(HttpClient http)
            {
                private readonly SemaphoreSlim _gate = new(8);

                public async Task<string[]> FetchAllAsync(IEnumerable<string> urls) =>
                    await Task.WhenAll(urls.Select(async url => await http.GetStringAsync(url)));

                public async Task<string[]> FetchLimitedAsync(IEnumerable<string> urls) =>
                    await Task.WhenAll(urls.Select(async url =>
                    {
                        await _gate.WaitAsync();
                        try
                        {
                            return await http.GetStringAsync(url);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }));

                public Task ProcessAsync(IEnumerable<string> items, CancellationToken ct) =>
                    Parallel.ForEachAsync(items, ct, async (item, token) => await http.GetStringAsync(item, token));

                public async Task WavesAsync(IReadOnlyList<string> urls)
                {
                    foreach (var chunk in urls.Chunk(16))
                    {
                        await Task.WhenAll(chunk.Select(url => http.GetStringAsync(url)));
                    }
                }

                public async Task<(string, string)> PairAsync(string a, string b)
                {
                    var first = http.GetStringAsync(a);
                    var second = http.GetStringAsync(b);
                    await Task.WhenAll(first, second);
                    return (first.Result, second.Result);
                }
            }

            // PT0005: permit released outside finally, canonical use, throttle per item.
            public sealed class Throttle{{i}}
            {
                private readonly SemaphoreSlim _semaphore = new({{i % 4 + 2}});

                public async Task<int> LeakyAsync(Func<Task<int>> work)
                {
                    await _semaphore.WaitAsync();
                    var result = await work();
                    _semaphore.Release();
                    return result;
                }

                public async Task<int> SafeAsync(Func<Task<int>> work, CancellationToken ct)
                {
                    await _semaphore.WaitAsync(ct);
                    try
                    {
                        return await work();
                    }
                    finally
                    {
                        _semaphore.Release();
                    }
                }

                public async Task<int?> TryAsync(Func<Task<int>> work)
                {
                    if (!await _semaphore.WaitAsync(TimeSpan.FromSeconds(1)))
                    {
                        return null;
                    }

                    try
                    {
                        return await work();
                    }
                    finally
                    {
                        _semaphore.Release();
                    }
                }

                public Task PerItemAsync(IEnumerable<int> delays) =>
                    Task.WhenAll(delays.Select(async delay =>
                    {
                        var throttle = new SemaphoreSlim(1);
                        await throttle.WaitAsync();
                        try
                        {
                            await Task.Delay(delay);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
            }

            // PT0004: HttpClient per call and shared.
            public sealed class Webhooks{{i}}
            {
                private static readonly HttpClient Shared = new();

                public async Task<string> PerCallAsync(string url)
                {
                    using var http = new HttpClient();
                    return await http.GetStringAsync(url);
                }

                public Task<string> SharedAsync(string url) => Shared.GetStringAsync(url);
            }

        """;

    private static string QdrantShapes(int i) => $$"""
            // PT0002: one point per request vs batches; PT0004: QdrantClient per request vs injected.
            public sealed class Importer{{i}}(QdrantClient client)
            {
                private const string Collection = "documents{{i}}";

                public async Task ImportOneByOneAsync(IEnumerable<Document{{i}}> documents, CancellationToken ct)
                {
                    foreach (var document in documents)
                    {
                        await client.UpsertAsync(Collection, new[] { ToPoint(document) }, cancellationToken: ct);
                    }
                }

                public async Task ImportBatchedAsync(IEnumerable<Document{{i}}> documents, CancellationToken ct)
                {
                    foreach (var chunk in documents.Chunk(100))
                    {
                        await client.UpsertAsync(Collection, chunk.Select(ToPoint).ToList(), cancellationToken: ct);
                    }
                }

                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector, string tenant) =>
                    await client.SearchAsync(Collection, vector, filter: Conditions.MatchKeyword("tenant", tenant), limit: 10);

                private static PointStruct ToPoint(Document{{i}} document) => new()
                {
                    Id = new PointId { Uuid = document.Id },
                    Vectors = document.Vector,
                    Payload = { ["text"] = document.Text, ["tenant"] = document.Tenant },
                };
            }

            public sealed class SearchPerRequest{{i}}
            {
                public async Task<IReadOnlyList<ScoredPoint>> SearchAsync(float[] vector)
                {
                    using var client = new QdrantClient("localhost", 6334);
                    return await client.SearchAsync("documents{{i}}", vector, limit: 10);
                }

                public async Task<ulong> CountAsync(string address)
                {
                    using var channel = GrpcChannel.ForAddress(address);
                    var points = new Points.PointsClient(channel);
                    var reply = await points.CountAsync(new CountPoints { CollectionName = "documents{{i}}", Exact = true });
                    return reply.Result.Count;
                }
            }

            public static class QdrantFactory{{i}}
            {
                private static readonly Lazy<QdrantClient> Client = new(() => new QdrantClient("localhost"));

                public static QdrantClient Shared => Client.Value;

                public static QdrantClient Create(string host) => new QdrantClient(host);
            }

        """;

    private static string VectorStoreShapes(int i) => $$"""
            // The same importer shape against an in-house store: no Qdrant.Client in this compilation.
            public sealed record VectorRecord{{i}}(string Id, float[] Vector, IReadOnlyDictionary<string, string> Payload);

            public interface IVectorStore{{i}}
            {
                Task UpsertAsync(string collection, IReadOnlyList<VectorRecord{{i}}> records, CancellationToken ct);

                Task<IReadOnlyList<VectorRecord{{i}}>> SearchAsync(string collection, float[] vector, int limit);
            }

            public sealed class Importer{{i}}(IVectorStore{{i}} store)
            {
                private const string Collection = "documents{{i}}";

                public async Task ImportOneByOneAsync(IEnumerable<Document{{i}}> documents, CancellationToken ct)
                {
                    foreach (var document in documents)
                    {
                        await store.UpsertAsync(Collection, new[] { ToRecord(document) }, ct);
                    }
                }

                public async Task ImportBatchedAsync(IEnumerable<Document{{i}}> documents, CancellationToken ct)
                {
                    foreach (var chunk in documents.Chunk(100))
                    {
                        await store.UpsertAsync(Collection, chunk.Select(ToRecord).ToList(), ct);
                    }
                }

                public Task<IReadOnlyList<VectorRecord{{i}}>> SearchAsync(float[] vector) => store.SearchAsync(Collection, vector, 10);

                private static VectorRecord{{i}} ToRecord(Document{{i}} document) =>
                    new(document.Id, document.Vector, new Dictionary<string, string> { ["text"] = document.Text, ["tenant"] = document.Tenant });
            }

            public sealed class SearchPerRequest{{i}}
            {
                public async Task<string> SearchAsync(string query)
                {
                    using var http = new HttpClient();
                    return await http.GetStringAsync("http://search.internal/q?text=" + Uri.EscapeDataString(query));
                }

                public async Task<int> CountAsync(string address)
                {
                    using var http = new HttpClient { BaseAddress = new Uri(address) };
                    var text = await http.GetStringAsync("/count");
                    return int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            public static class StoreFactory{{i}}
            {
                private static readonly Lazy<HttpClient> Client = new(() => new HttpClient());

                public static HttpClient Shared => Client.Value;

                public static HttpClient Create(Uri address) => new HttpClient { BaseAddress = address };
            }

        """;

    /// <summary>Ordinary code none of the rules is about: most of a real code base looks like this.</summary>
    private static string PlainCode(int i) => $$"""
            public sealed class OrderLine{{i}}
            {
                public string Sku { get; init; } = "";

                public int Quantity { get; init; }

                public decimal UnitPrice { get; init; }

                public decimal Total => Quantity * UnitPrice;
            }

            public static class Pricing{{i}}
            {
                public static decimal Subtotal(IEnumerable<OrderLine{{i}}> lines) => lines.Sum(l => l.Total);

                public static decimal Discount(decimal subtotal, Priority{{i}} priority) => priority switch
                {
                    Priority{{i}}.High => subtotal * 0.10m,
                    Priority{{i}}.Normal => subtotal * 0.05m,
                    _ => 0m,
                };

                public static IReadOnlyList<OrderLine{{i}}> Merge(IEnumerable<OrderLine{{i}}> lines) =>
                    lines.GroupBy(l => l.Sku)
                        .Select(g => new OrderLine{{i}} { Sku = g.Key, Quantity = g.Sum(l => l.Quantity), UnitPrice = g.Max(l => l.UnitPrice) })
                        .OrderBy(l => l.Sku, StringComparer.Ordinal)
                        .ToList();

                public static string Describe(OrderLine{{i}} line)
                {
                    var sb = new StringBuilder();
                    sb.Append(line.Sku).Append(" x").Append(line.Quantity);
                    if (line.UnitPrice > 100m)
                    {
                        sb.Append(" (premium)");
                    }

                    return sb.ToString();
                }
            }

            public static class TextTools{{i}}
            {
                public static IEnumerable<string> Tokenize(string text)
                {
                    var start = -1;
                    for (var k = 0; k < text.Length; k++)
                    {
                        if (char.IsLetterOrDigit(text[k]))
                        {
                            if (start < 0)
                            {
                                start = k;
                            }
                        }
                        else if (start >= 0)
                        {
                            yield return text.Substring(start, k - start).ToLowerInvariant();
                            start = -1;
                        }
                    }

                    if (start >= 0)
                    {
                        yield return text.Substring(start).ToLowerInvariant();
                    }
                }

                public static IReadOnlyList<string> Chunk(string text, int size)
                {
                    var chunks = new List<string>();
                    for (var offset = 0; offset < text.Length; offset += size)
                    {
                        chunks.Add(text.Substring(offset, Math.Min(size, text.Length - offset)));
                    }

                    return chunks;
                }

                public static Dictionary<string, int> Frequencies(IEnumerable<string> tokens)
                {
                    var counts = new Dictionary<string, int>(StringComparer.Ordinal);
                    foreach (var token in tokens)
                    {
                        counts[token] = counts.TryGetValue(token, out var n) ? n + 1 : 1;
                    }

                    return counts;
                }

                public static float Cosine(float[] a, float[] b)
                {
                    float dot = 0, na = 0, nb = 0;
                    for (var k = 0; k < Math.Min(a.Length, b.Length); k++)
                    {
                        dot += a[k] * b[k];
                        na += a[k] * a[k];
                        nb += b[k] * b[k];
                    }

                    return na == 0 || nb == 0 ? 0 : dot / (MathF.Sqrt(na) * MathF.Sqrt(nb));
                }
            }

            public sealed class ConversationMemory{{i}}
            {
                private readonly List<(DateTimeOffset At, string Role, string Text)> _turns = new();

                public void Add(string role, string text) => _turns.Add((DateTimeOffset.UtcNow, role, text));

                public IEnumerable<string> Recent(int count) =>
                    _turns.Skip(Math.Max(0, _turns.Count - count)).Select(t => t.Role + ": " + t.Text);

                public void Trim(int keep)
                {
                    if (_turns.Count > keep)
                    {
                        _turns.RemoveRange(0, _turns.Count - keep);
                    }
                }

                public string Summary() => string.Join(" | ", _turns.Where(t => t.Role == "user").Select(t => t.Text.Length > 40 ? t.Text[..40] : t.Text));
            }
        }

        """;
}
