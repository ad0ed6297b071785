using Microsoft.CodeAnalysis;

namespace PerfTuner.Analyzers
{
    /// <summary>Every descriptor PerfTuner reports, in one place (IDs, titles, messages, help links).</summary>
    internal static class Descriptors
    {
        /// <summary>Each rule's helpLinkUri is this base plus "PTxxxx.md"; a test checks the page exists in docs/rules.</summary>
        internal const string HelpLinkBase = "https://github.com/perftuner/perftuner/blob/main/docs/rules/";

        private const string Performance = "Performance";
        private const string Reliability = "Reliability";

        internal static readonly DiagnosticDescriptor UnboundedCache = Create(
            DiagnosticIds.UnboundedCache,
            title: "Unbounded cache",
            messageFormat: "'{0}' {1}",
            Performance,
            description: "A cache that only ever grows holds every key it has seen: under real traffic (queries, embeddings, conversation IDs) it becomes a memory leak. Bound it with a size limit, an eviction path or a size check before inserting; give a MemoryCache a SizeLimit.");

        internal static readonly DiagnosticDescriptor UnbatchedUpsert = Create(
            DiagnosticIds.UnbatchedUpsert,
            title: "Unbatched upsert",
            messageFormat: "'{0}' is called once per loop iteration with a per-item payload; collect the points and upsert them in batches",
            Performance,
            description: "Each upsert is a network round trip and a write-ahead-log entry on the server. Sending one point per request turns an import of N points into N round trips instead of N/100.");

        internal static readonly DiagnosticDescriptor UnboundedConcurrency = Create(
            DiagnosticIds.UnboundedConcurrency,
            title: "Unbounded concurrency",
            messageFormat: "{0} starts one operation per element of '{1}' with nothing limiting how many run at once; bound it with Parallel.ForEachAsync (MaxDegreeOfParallelism) or a SemaphoreSlim",
            Performance,
            description: "A fan-out as wide as its input opens as many concurrent requests as there are items: the server (Qdrant, an embedding service) queues or rejects them, tail latency explodes and the client runs out of sockets, connections or memory. Limit the degree of parallelism to what the server can serve.");

        internal static readonly DiagnosticDescriptor ClientPerOperation = Create(
            DiagnosticIds.ClientPerOperation,
            title: "Client or channel created per operation",
            messageFormat: "'{0}' is created {1}; create it once and reuse it",
            Performance,
            description: "Every new client or channel pays a TCP, TLS and HTTP/2 handshake and per-call HttpClient instances exhaust sockets. Create clients once (a field, a singleton, IHttpClientFactory) and reuse them.");

        internal static readonly DiagnosticDescriptor SemaphoreMisuse = Create(
            DiagnosticIds.SemaphoreMisuse,
            title: "Semaphore permit not released on every path, or throttle created per item",
            messageFormat: "{0}",
            Reliability,
            description: "A permit released outside a finally block leaks when the work throws; after enough leaks every caller waits forever. A semaphore created per item limits nothing.");

        private static DiagnosticDescriptor Create(string id, string title, string messageFormat, string category, string description) =>
            new DiagnosticDescriptor(
                id,
                title,
                messageFormat,
                category,
                DiagnosticSeverity.Warning,
                isEnabledByDefault: true,
                description: description,
                helpLinkUri: HelpLinkBase + id + ".md");
    }
}
