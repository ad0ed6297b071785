namespace PerfTuner.Analyzers.Tests.Rules;

/// <summary>Shared prologue for PT0005 test sources: the usings and small service contracts realistic code depends on.</summary>
internal static class PT0005Sources
{
    internal const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Qdrant.Client;
        using Qdrant.Client.Grpc;

        """;

    internal const string Contracts = """

        public interface IEmbedder
        {
            Task<float[]> EmbedAsync(string text, CancellationToken ct);
            float[] Embed(string text);
        }

        public sealed record Document(string Id, string Text);
        """;

    /// <summary>Usings + the code under test + the contracts.</summary>
    internal static string Wrap(string code) => Usings + code + Contracts;
}
