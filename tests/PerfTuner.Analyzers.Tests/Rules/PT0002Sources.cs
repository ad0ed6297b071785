namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>Shared prologue for PT0002 test sources: the usings and the small contracts realistic indexing code depends on.</summary>
internal static class PT0002Sources
{
    internal const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Text.Json;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using Qdrant.Client;
        using Qdrant.Client.Grpc;

        """;

    internal const string Contracts = """

        public interface IEmbedder
        {
            Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken = default);
        }

        public sealed record ChunkRecord(Guid Id, string DocumentId, string Text);

        public sealed record ChatMessage(Guid Id, string ConversationId, string Role, string Text);

        public sealed record SourceDocument(string Id, string Title, IReadOnlyList<string> Chunks);
        """;

    /// <summary>Usings + the code under test + the contracts.</summary>
    internal static string Wrap(string code) => Usings + code + Contracts;
}
