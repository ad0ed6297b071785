using Microsoft.CodeAnalysis;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// The well-known types PT0004 reasons about, resolved once per compilation. Any of them may be missing
    /// (a project without Qdrant.Client or Grpc.Net.Client); a missing type simply never matches.
    /// </summary>
    internal sealed class ClientPerOperationTypes
    {
        private ClientPerOperationTypes(Compilation compilation, GeneratedCodeReportFilter generatedCode)
        {
            GeneratedCode = generatedCode;
            QdrantClient = compilation.GetTypeByMetadataName("Qdrant.Client.QdrantClient");
            QdrantGrpcClient = compilation.GetTypeByMetadataName("Qdrant.Client.Grpc.QdrantGrpcClient");
            GrpcChannel = compilation.GetTypeByMetadataName("Grpc.Net.Client.GrpcChannel");
            GrpcChannelOptions = compilation.GetTypeByMetadataName("Grpc.Net.Client.GrpcChannelOptions");
            HttpClient = compilation.GetTypeByMetadataName("System.Net.Http.HttpClient");
            GrpcClientBase = compilation.GetTypeByMetadataName("Grpc.Core.ClientBase");
            Uri = compilation.GetTypeByMetadataName("System.Uri");
            TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
        }

        /// <summary>Drops reports the driver would have dropped as generated code (see <see cref="GeneratedCodeReportFilter"/>).</summary>
        internal GeneratedCodeReportFilter GeneratedCode { get; }

        internal INamedTypeSymbol? QdrantClient { get; }

        internal INamedTypeSymbol? QdrantGrpcClient { get; }

        internal INamedTypeSymbol? GrpcChannel { get; }

        internal INamedTypeSymbol? GrpcChannelOptions { get; }

        internal INamedTypeSymbol? HttpClient { get; }

        internal INamedTypeSymbol? GrpcClientBase { get; }

        internal INamedTypeSymbol? Uri { get; }

        internal INamedTypeSymbol? TimeSpan { get; }

        /// <summary>True when no client type this rule knows is referenced by the compilation.</summary>
        internal bool IsEmpty => QdrantClient == null && QdrantGrpcClient == null && GrpcChannel == null && HttpClient == null;

        internal static ClientPerOperationTypes Create(Compilation compilation, GeneratedCodeReportFilter generatedCode) =>
            new ClientPerOperationTypes(compilation, generatedCode);

        /// <summary>One of the built-in client types (exact type; subclasses are left to the client_types option).</summary>
        internal bool IsClientType(ITypeSymbol? type) =>
            type != null
            && MayBeClientName(type.Name) // runs for every object creation: reject by name before any symbol comparison
            && (Is(type, QdrantClient) || Is(type, QdrantGrpcClient) || Is(type, HttpClient) || Is(type, GrpcChannel));

        /// <summary>
        /// A strict relaxation of the symbol test above: a type equal to one of the four has that type's name (a
        /// named type and its original definition share their name), so rejecting other names selects the same types.
        /// </summary>
        private static bool MayBeClientName(string name) =>
            name == "HttpClient" || name == "QdrantClient" || name == "GrpcChannel" || name == "QdrantGrpcClient";

        /// <summary><c>GrpcChannel.ForAddress(...)</c>: the only way to create a Grpc.Net channel.</summary>
        internal bool IsChannelFactory(IMethodSymbol method) =>
            method.IsStatic && method.Name == "ForAddress" && Is(method.ContainingType, GrpcChannel);

        /// <summary>A generated gRPC client (<c>new Points.PointsClient(channel)</c>): a thin wrapper over the channel.</summary>
        internal bool IsGeneratedGrpcClient(ITypeSymbol? type)
        {
            if (GrpcClientBase == null)
            {
                return false;
            }

            for (var current = type?.BaseType; current != null; current = current.BaseType)
            {
                if (Is(current, GrpcClientBase))
                {
                    return true;
                }
            }

            return false;
        }

        internal static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
            type != null && known != null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);
    }
}
