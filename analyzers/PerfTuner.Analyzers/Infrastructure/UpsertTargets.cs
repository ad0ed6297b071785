using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>What an upsert call sends, which decides how PT0002 reads its payload argument.</summary>
    internal enum UpsertPayloadShape
    {
        /// <summary>A list of points or records (QdrantClient.UpsertAsync, VectorStoreCollection.UpsertAsync(IEnumerable)).</summary>
        Collection,

        /// <summary>A protobuf UpsertPoints request (PointsClient.Upsert/UpsertAsync, QdrantClient.UpsertAsync(UpsertPoints)).</summary>
        Request,

        /// <summary>Exactly one record (VectorStoreCollection.UpsertAsync(TRecord)).</summary>
        SingleRecord,

        /// <summary>A method named in <c>perftuner.PT0002.upsert_methods</c>.</summary>
        Configured,
    }

    /// <summary>An invocation recognised as a vector-store upsert.</summary>
    internal readonly struct UpsertCall
    {
        internal UpsertCall(IInvocationOperation invocation, UpsertPayloadShape shape, IOperation? payload)
        {
            Invocation = invocation;
            Shape = shape;
            Payload = payload;
        }

        internal IInvocationOperation Invocation { get; }

        internal UpsertPayloadShape Shape { get; }

        /// <summary>The payload argument's value (null for <see cref="UpsertPayloadShape.Configured"/>, which looks at every argument).</summary>
        internal IOperation? Payload { get; }

        internal string DisplayName => Invocation.TargetMethod.ContainingType.Name + "." + Invocation.TargetMethod.Name;
    }

    /// <summary>
    /// The upsert methods PT0002 knows, resolved once per compilation: Qdrant.Client's high-level and gRPC clients,
    /// Microsoft.Extensions.VectorData collections, and the methods a team lists in
    /// <c>perftuner.PT0002.upsert_methods</c> as <c>Namespace.Type.Method</c> (metadata names: <c>Outer+Inner</c>, <c>Repo`1</c>).
    /// </summary>
    internal sealed class UpsertTargets
    {
        internal const string UpsertMethodsOption = "upsert_methods";

        private readonly INamedTypeSymbol? _qdrantClient;
        private readonly INamedTypeSymbol? _qdrantClientInterface;
        private readonly INamedTypeSymbol? _pointsClient;
        private readonly INamedTypeSymbol? _vectorStoreCollection;
        private readonly INamedTypeSymbol? _upsertPoints;
        private readonly ImmutableHashSet<string> _configuredMethodNames;

        private UpsertTargets(Compilation compilation, ImmutableHashSet<string> configuredMethodNames)
        {
            _qdrantClient = compilation.GetTypeByMetadataName("Qdrant.Client.QdrantClient");
            _qdrantClientInterface = compilation.GetTypeByMetadataName("Qdrant.Client.IQdrantClient");
            _pointsClient = compilation.GetTypeByMetadataName("Qdrant.Client.Grpc.Points+PointsClient");
            _upsertPoints = compilation.GetTypeByMetadataName("Qdrant.Client.Grpc.UpsertPoints");
            _vectorStoreCollection = compilation.GetTypeByMetadataName("Microsoft.Extensions.VectorData.VectorStoreCollection`2");
            CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
            _configuredMethodNames = configuredMethodNames;
        }

        internal INamedTypeSymbol? CancellationToken { get; }

        /// <summary>True when nothing this rule could ever match exists in the compilation.</summary>
        internal bool IsEmpty =>
            _qdrantClient == null && _qdrantClientInterface == null && _pointsClient == null
            && _vectorStoreCollection == null && _configuredMethodNames.Count == 0;

        /// <summary>Could a method with this name be an upsert? (UpsertAsync, Upsert, or a configured name.)</summary>
        internal bool IsCandidateName(string name) =>
            name == "UpsertAsync" || name == "Upsert" || _configuredMethodNames.Contains(name);

        internal bool IsConfiguredName(string name) => _configuredMethodNames.Contains(name);

        /// <summary>True when some file configures <c>upsert_methods</c>.</summary>
        internal bool HasConfiguredMethods => !_configuredMethodNames.IsEmpty;

        /// <param name="configuredEntries">Every <c>upsert_methods</c> entry configured for any file of the compilation.</param>
        internal static UpsertTargets Create(Compilation compilation, IEnumerable<string> configuredEntries)
        {
            var names = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var entry in configuredEntries)
            {
                if (TrySplitEntry(entry, out _, out var method))
                {
                    names.Add(method);
                }
            }

            return new UpsertTargets(compilation, names.ToImmutable());
        }

        /// <summary>Normalises one configured entry to <c>Namespace.Type.Method</c>; false when it has no type part.</summary>
        internal static bool TrySplitEntry(string entry, out string typeName, out string methodName)
        {
            var text = entry.Trim();
            if (text.StartsWith("global::", StringComparison.Ordinal))
            {
                text = text.Substring("global::".Length);
            }

            var dot = text.LastIndexOf('.');
            typeName = dot > 0 ? text.Substring(0, dot) : string.Empty;
            methodName = dot > 0 && dot < text.Length - 1 ? text.Substring(dot + 1) : string.Empty;
            return typeName.Length > 0 && methodName.Length > 0;
        }

        /// <summary>Recognises an upsert; <paramref name="configuredForFile"/> holds this file's normalised <c>Type.Method</c> entries.</summary>
        internal bool TryMatch(IInvocationOperation invocation, ImmutableHashSet<string> configuredForFile, out UpsertCall call)
        {
            call = default;
            var method = invocation.TargetMethod;
            if (method == null)
            {
                return false;
            }

            var name = method.Name;
            if (name == "UpsertAsync" || name == "Upsert")
            {
                if (TryMatchKnown(invocation, method, out call))
                {
                    return true;
                }
            }

            if (configuredForFile.Count > 0 && _configuredMethodNames.Contains(name) && IsConfigured(method, configuredForFile))
            {
                call = new UpsertCall(invocation, UpsertPayloadShape.Configured, payload: null);
                return true;
            }

            return false;
        }

        private bool TryMatchKnown(IInvocationOperation invocation, IMethodSymbol method, out UpsertCall call)
        {
            call = default;
            var type = method.ContainingType?.OriginalDefinition;
            if (type == null)
            {
                return false;
            }

            if (method.Name == "UpsertAsync" && (Same(type, _qdrantClient) || Same(type, _qdrantClientInterface)))
            {
                // UpsertAsync(collectionName, points, ...) or UpsertAsync(UpsertPoints request, ...).
                foreach (var argument in invocation.Arguments)
                {
                    var parameter = argument.Parameter;
                    if (parameter == null)
                    {
                        continue;
                    }

                    if (Same(parameter.Type, _upsertPoints))
                    {
                        call = new UpsertCall(invocation, UpsertPayloadShape.Request, argument.Value);
                        return true;
                    }

                    if (parameter.Name == "points")
                    {
                        call = new UpsertCall(invocation, UpsertPayloadShape.Collection, argument.Value);
                        return true;
                    }
                }

                return false;
            }

            if (Same(type, _pointsClient))
            {
                foreach (var argument in invocation.Arguments)
                {
                    if (argument.Parameter != null && Same(argument.Parameter.Type, _upsertPoints))
                    {
                        call = new UpsertCall(invocation, UpsertPayloadShape.Request, argument.Value);
                        return true;
                    }
                }

                return false;
            }

            if (_vectorStoreCollection != null && method.Name == "UpsertAsync")
            {
                // Provider collections override the abstract VectorStoreCollection<TKey, TRecord> methods.
                for (var candidate = method; candidate != null; candidate = candidate.OverriddenMethod)
                {
                    if (Same(candidate.ContainingType?.OriginalDefinition, _vectorStoreCollection))
                    {
                        var definition = candidate.OriginalDefinition;
                        if (definition.Parameters.Length == 0 || invocation.Arguments.Length == 0)
                        {
                            return false;
                        }

                        var single = definition.Parameters[0].Type.TypeKind == TypeKind.TypeParameter;
                        var payload = FindArgument(invocation, 0);
                        if (payload == null)
                        {
                            return false;
                        }

                        call = new UpsertCall(invocation, single ? UpsertPayloadShape.SingleRecord : UpsertPayloadShape.Collection, payload);
                        return true;
                    }
                }
            }

            return false;
        }

        private static IOperation? FindArgument(IInvocationOperation invocation, int ordinal)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Ordinal == ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>The method itself, what it overrides, or the interface member it implements is configured.</summary>
        private static bool IsConfigured(IMethodSymbol method, ImmutableHashSet<string> configured)
        {
            for (var candidate = method.OriginalDefinition; candidate != null; candidate = candidate.OverriddenMethod?.OriginalDefinition)
            {
                if (candidate.ContainingType != null && configured.Contains(MetadataName(candidate.ContainingType) + "." + candidate.Name))
                {
                    return true;
                }
            }

            var containing = method.ContainingType;
            if (containing == null)
            {
                return false;
            }

            foreach (var @interface in containing.AllInterfaces)
            {
                if (!configured.Contains(MetadataName(@interface.OriginalDefinition) + "." + method.Name))
                {
                    continue;
                }

                foreach (var member in @interface.GetMembers(method.Name))
                {
                    if (SymbolEqualityComparer.Default.Equals(containing.FindImplementationForInterfaceMember(member), method))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary><c>Namespace.Outer+Inner`1</c>, the form <see cref="Compilation.GetTypeByMetadataName"/> accepts.</summary>
        internal static string MetadataName(INamedTypeSymbol type)
        {
            var name = type.MetadataName;
            for (var outer = type.ContainingType; outer != null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "+" + name;
            }

            var ns = type.ContainingNamespace;
            return ns == null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
        }

        private static bool Same(ITypeSymbol? a, ITypeSymbol? b) =>
            a != null && b != null && SymbolEqualityComparer.Default.Equals(a, b);
    }
}
