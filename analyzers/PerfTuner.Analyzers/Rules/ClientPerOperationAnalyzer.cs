using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfTuner.Analyzers.Infrastructure;

namespace PerfTuner.Analyzers.Rules
{
    /// <summary>
    /// PT0004: a Qdrant client, gRPC channel or HttpClient created inside an operation and disposed or dropped at
    /// its end, or created in every iteration of a loop. Each such instance opens its own connection (TCP, TLS,
    /// HTTP/2 handshake); per-call HttpClients also leave sockets in TIME_WAIT until the machine runs out.
    /// Precision first: whenever the instance may outlive the operation (returned, stored, handed to another
    /// method or captured), the rule stays silent.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ClientPerOperationAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property set when the code fix can hoist the creation to a static readonly field.</summary>
        public const string HoistableProperty = "Hoistable";

        /// <summary>.editorconfig key (without the <c>perftuner.PT0004.</c> prefix) listing extra client types by metadata name.</summary>
        public const string ClientTypesOption = "client_types";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.ClientPerOperation);

        public override void Initialize(AnalysisContext context)
        {
            // Generated code is not analysed (no Analyze flag). ReportDiagnostics only spares the driver's per-tree
            // generated-code scan on our first report in each tree; GeneratedCodeReportFilter applies the same filter.
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            var known = ClientPerOperationTypes.Create(context.Compilation, new GeneratedCodeReportFilter(context.Compilation));
            var anyConfigured = AnyTreeConfiguresClientTypes(context.Compilation, context.Options);
            if (known.IsEmpty && !anyConfigured)
            {
                return; // nothing this rule knows about is referenced: pay nothing
            }

            var words = SourceWords.Create(context.Compilation, Words(context.Compilation, context.Options, anyConfigured), wholeWords: null, context.CancellationToken);
            if (!anyConfigured)
            {
                // The common case: no file sets client_types, so no option lookup per object creation.
                context.RegisterSemanticModelAction(c => SourceOperations.ForEach(
                    c, words, wordToken: null, MayCreateClient, site => Analyze(site, known, ImmutableHashSet<INamedTypeSymbol>.Empty), OperationKind.ObjectCreation, OperationKind.Invocation));
            }
            else
            {
                // Extra client types configured per file; resolved once per distinct option value.
                var configured = new ConcurrentDictionary<string, ImmutableHashSet<INamedTypeSymbol>>(System.StringComparer.Ordinal);
                var compilation = context.Compilation;
                context.RegisterSemanticModelAction(c => SourceOperations.ForEach(
                    c,
                    words,
                    wordToken: null,
                    MayCreateClient,
                    site => Analyze(site, known, ConfiguredTypes(site.Options, site.Operation.Syntax.SyntaxTree, compilation, configured)),
                    OperationKind.ObjectCreation,
                    OperationKind.Invocation));
            }
        }

        /// <summary>
        /// What a flagged creation's member spells: the client type's name (or a configured one). A target-typed
        /// <c>new()</c> spells it too in practice (the declared type, or the return type in the signature); one whose
        /// type is named nowhere in its member is missed: a recall gap, never a false report.
        /// </summary>
        private static IEnumerable<string> Words(Compilation compilation, AnalyzerOptions options, bool anyConfigured)
        {
            yield return "QdrantClient";
            yield return "QdrantGrpcClient";
            yield return "GrpcChannel";
            yield return "HttpClient";
            if (!anyConfigured)
            {
                yield break; // AnyTreeConfiguresClientTypes already looked at every tree's options
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                foreach (var name in RuleOptions.GetList(options, tree, DiagnosticIds.ClientPerOperation, ClientTypesOption))
                {
                    var simple = name.Substring(name.LastIndexOf('.') + 1);
                    var arity = simple.IndexOf('`');
                    yield return arity < 0 ? simple : simple.Substring(0, arity);
                }
            }
        }

        /// <summary>
        /// Syntax a report needs, checked before a member is bound: a creation (<c>new</c>) or a <c>ForAddress</c> call;
        /// in a field initializer, also a lambda or anonymous method, since outside one the rule never judges it
        /// (<see cref="OperationOwner"/>: an initializer runs once per instance or type). A member whose every creation
        /// is returned or passed on (a factory, a Lazy holder) is not bound either: the rule would find each one escapes
        /// (<see cref="ClientPerOperationSyntax"/>).
        /// </summary>
        private static bool MayCreateClient(SyntaxNode member)
        {
            if (!SourceOperations.HasToken(member, SyntaxKind.NewKeyword, identifier: "ForAddress"))
            {
                return false;
            }

            if (member is BaseFieldDeclarationSyntax field && !HasAnonymousFunction(field))
            {
                return false;
            }

            var code = member is TypeDeclarationSyntax type ? type.BaseList : member; // a primary constructor's code is its base list
            return code != null && !ClientPerOperationSyntax.EveryCreationLeaves(code);
        }

        private static bool HasAnonymousFunction(BaseFieldDeclarationSyntax field)
        {
            foreach (var node in field.DescendantNodes())
            {
                if (node is AnonymousFunctionExpressionSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        private static void Analyze(OperationSite site, ClientPerOperationTypes known, ImmutableHashSet<INamedTypeSymbol> configured)
        {
            if (site.Operation.Kind == OperationKind.ObjectCreation)
            {
                AnalyzeObjectCreation(site, known, configured);
            }
            else if (known.GrpcChannel != null)
            {
                AnalyzeInvocation(site, known);
            }
        }

        private static bool AnyTreeConfiguresClientTypes(Compilation compilation, AnalyzerOptions options)
        {
            foreach (var tree in compilation.SyntaxTrees)
            {
                if (RuleOptions.TryGetRaw(options, tree, DiagnosticIds.ClientPerOperation, ClientTypesOption, out _))
                {
                    return true;
                }
            }

            return false;
        }

        private static ImmutableHashSet<INamedTypeSymbol> ConfiguredTypes(
            AnalyzerOptions options,
            SyntaxTree tree,
            Compilation compilation,
            ConcurrentDictionary<string, ImmutableHashSet<INamedTypeSymbol>> cache)
        {
            if (!RuleOptions.TryGetRaw(options, tree, DiagnosticIds.ClientPerOperation, ClientTypesOption, out var raw))
            {
                return ImmutableHashSet<INamedTypeSymbol>.Empty;
            }

            return cache.GetOrAdd(raw, _ =>
            {
                var builder = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
                foreach (var name in RuleOptions.GetList(options, tree, DiagnosticIds.ClientPerOperation, ClientTypesOption))
                {
                    var type = compilation.GetTypeByMetadataName(name);
                    if (type != null)
                    {
                        builder.Add(type);
                    }
                }

                return builder.ToImmutable();
            });
        }

        private static void AnalyzeObjectCreation(OperationSite context, ClientPerOperationTypes known, ImmutableHashSet<INamedTypeSymbol> configured)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (!(creation.Type is INamedTypeSymbol type))
            {
                return;
            }

            if (!known.IsClientType(type) && (configured.IsEmpty || !configured.Contains(type.OriginalDefinition)))
            {
                return;
            }

            if (!ClientCreation.OpensConnection(creation, known))
            {
                return;
            }

            Report(context, creation, type, known);
        }

        private static void AnalyzeInvocation(OperationSite context, ClientPerOperationTypes known)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (!known.IsChannelFactory(invocation.TargetMethod) || !ClientCreation.OpensConnection(invocation, known))
            {
                return;
            }

            Report(context, invocation, invocation.TargetMethod.ContainingType, known);
        }

        private static void Report(OperationSite context, IOperation creation, ITypeSymbol type, ClientPerOperationTypes known)
        {
            var owner = OperationOwner.Find(creation, context.ContainingSymbol);
            if (owner.Kind == OperationOwnerKind.NotAnOperation)
            {
                return; // field initializers, static constructors, test methods, ...
            }

            var inLoop = ClientFlow.IsInLoop(creation);
            if (owner.Kind == OperationOwnerKind.EntryPoint && !inLoop)
            {
                return; // Main and top-level statements run once
            }

            var fate = ClientFlow.Follow(creation, known);
            if (fate == ClientFate.Escapes || fate == ClientFate.Wrapped || fate == ClientFate.ReusedInLoop)
            {
                return;
            }

            var how = inLoop
                ? "in every iteration of a loop in " + owner.Describe()
                : owner.DescribePerCall() + (fate == ClientFate.Disposed ? " and disposed at its end" : " and dropped at its end");

            var properties = ClientCreation.IsHoistable(creation, context.ContainingSymbol, known)
                ? ImmutableDictionary<string, string?>.Empty.Add(HoistableProperty, "true")
                : ImmutableDictionary<string, string?>.Empty;

            var location = creation.Syntax.GetLocation();
            if (known.GeneratedCode.IsSuppressed(location, context.ContainingSymbol))
            {
                return;
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.ClientPerOperation,
                location,
                properties,
                type.Name,
                how));
        }
    }
}
