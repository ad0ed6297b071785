using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace PerfTuner.Analyzers.Tests.Verifiers;

/// <summary>
/// What every analyzed test compilation references: the .NET 8 reference assemblies plus the real
/// Qdrant.Client, Grpc, Microsoft.Extensions.Caching.Memory and VectorData assemblies this test project
/// restored, so rules are checked against the real APIs users call.
/// </summary>
internal static class TestReferences
{
    internal static readonly ReferenceAssemblies Net80 = ReferenceAssemblies.Net.Net80;

    internal static readonly ImmutableArray<MetadataReference> Libraries = LoadLibraries();

    private static ImmutableArray<MetadataReference> LoadLibraries()
    {
        Type[] anchors =
        {
            typeof(Qdrant.Client.QdrantClient),                                    // Qdrant.Client
            typeof(Google.Protobuf.IMessage),                                      // Google.Protobuf
            typeof(Grpc.Core.CallInvoker),                                         // Grpc.Core.Api
            typeof(Grpc.Net.Client.GrpcChannel),                                   // Grpc.Net.Client
            typeof(Microsoft.Extensions.Logging.ILoggerFactory),                   // Logging.Abstractions (QdrantClient constructors bind to it)
            typeof(Microsoft.Extensions.Caching.Memory.MemoryCache),               // Caching.Memory
            typeof(Microsoft.Extensions.Caching.Memory.IMemoryCache),              // Caching.Abstractions
            typeof(Microsoft.Extensions.Options.IOptions<>),                       // Options
            typeof(Microsoft.Extensions.Primitives.IChangeToken),                  // Primitives
            typeof(Microsoft.Extensions.VectorData.VectorStoreException),          // VectorData.Abstractions
        };

        return anchors
            .Select(t => t.Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
