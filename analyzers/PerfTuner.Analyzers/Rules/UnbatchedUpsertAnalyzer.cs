using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfTuner.Analyzers.Infrastructure;

namespace PerfTuner.Analyzers.Rules
{
    /// <summary>
    /// PT0002: a vector-store upsert (Qdrant.Client, the Qdrant gRPC client, Microsoft.Extensions.VectorData, or a
    /// method listed in <c>perftuner.PT0002.upsert_methods</c>) that runs once per element of a loop with a payload
    /// built for that element. Each call is a network round trip and a write-ahead-log append on the server, so an
    /// import of N points costs N requests instead of N / batch size.
    /// Precision first: batches (Chunk, buffers flushed on a size check, lists built outside the loop, anything filled
    /// by an inner loop), retry loops around one payload and anything the rule cannot follow stay silent.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnbatchedUpsertAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>.editorconfig key (after <c>perftuner.PT0002.</c>): the batch size the code fix uses.</summary>
        public const string BatchSizeOption = "batch_size";

        /// <summary>.editorconfig key (after <c>perftuner.PT0002.</c>): extra upsert methods, <c>Namespace.Type.Method</c>, comma separated.</summary>
        public const string UpsertMethodsOption = UpsertTargets.UpsertMethodsOption;

        /// <summary>Diagnostic property carrying the configured batch size to the code fix.</summary>
        public const string BatchSizeProperty = "BatchSize";

        public const int DefaultBatchSize = 100;

        /// <summary>Largest batch size accepted from configuration (Qdrant's default gRPC message limit is far below 100k points).</summary>
        public const int MaxBatchSize = 100_000;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.UnbatchedUpsert);

        public override void Initialize(AnalysisContext context)
        {
            // Generated code is not analysed (no Analyze flag). ReportDiagnostics only spares the driver's per-tree
            // generated-code token scan on our first report in each tree; GeneratedCodeReportFilter applies the same filter.
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            var targets = UpsertTargets.Create(context.Compilation, ConfiguredEntries(context.Options, context.Compilation));
            if (targets.IsEmpty)
            {
                return; // no Qdrant.Client, no VectorData, no configured methods: this rule costs nothing
            }

            // Parsed upsert_methods per file (editorconfig sections may differ between files).
            var perFile = new ConcurrentDictionary<SyntaxTree, ImmutableHashSet<string>>();
            var generated = new GeneratedCodeReportFilter(context.Compilation);
            // An upsert call spells "Upsert" (C# never calls a method of that name implicitly), so only members whose
            // source does are bound and walked (SourceOperations). A configured name (Add, Save...) may be called
            // implicitly (collection initializers, query syntax): then every member is.
            var words = targets.HasConfiguredMethods
                ? SourceWords.Everything
                : SourceWords.Create(context.Compilation, new[] { "Upsert" }, wholeWords: null, context.CancellationToken);
            context.RegisterSemanticModelAction(c => SourceOperations.ForEach(
                c, words, site => AnalyzeInvocation(site, targets, perFile, generated), OperationKind.Invocation));
        }

        /// <summary>Every upsert_methods entry configured globally or for any file of the compilation.</summary>
        private static IEnumerable<string> ConfiguredEntries(AnalyzerOptions options, Compilation compilation)
        {
            var provider = options.AnalyzerConfigOptionsProvider;
            var key = RuleOptions.Key(DiagnosticIds.UnbatchedUpsert, UpsertMethodsOption);
            var entries = new HashSet<string>();
            if (provider.GlobalOptions.TryGetValue(key, out var global) && global != null)
            {
                entries.UnionWith(Split(global));
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                if (provider.GetOptions(tree).TryGetValue(key, out var value) && value != null)
                {
                    entries.UnionWith(Split(value));
                }
            }

            return entries;
        }

        private static IEnumerable<string> Split(string value)
        {
            foreach (var part in value.Split(',', ';'))
            {
                var entry = part.Trim();
                if (entry.Length > 0)
                {
                    yield return entry;
                }
            }
        }

        private static ImmutableHashSet<string> ConfiguredForFile(AnalyzerOptions options, SyntaxTree tree)
        {
            var builder = ImmutableHashSet.CreateBuilder<string>(System.StringComparer.Ordinal);
            var key = RuleOptions.Key(DiagnosticIds.UnbatchedUpsert, UpsertMethodsOption);
            var provider = options.AnalyzerConfigOptionsProvider;
            string? raw = null;
            if (!(provider.GetOptions(tree).TryGetValue(key, out raw) && raw != null))
            {
                provider.GlobalOptions.TryGetValue(key, out raw);
            }

            foreach (var entry in Split(raw ?? string.Empty))
            {
                if (UpsertTargets.TrySplitEntry(entry, out var type, out var method))
                {
                    builder.Add(type + "." + method);
                }
            }

            return builder.ToImmutable();
        }

        private static void AnalyzeInvocation(
            OperationSite context,
            UpsertTargets targets,
            ConcurrentDictionary<SyntaxTree, ImmutableHashSet<string>> perFile,
            GeneratedCodeReportFilter generated)
        {
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            if (method == null || !targets.IsCandidateName(method.Name))
            {
                return; // the common case: any other call costs one string comparison or two
            }

            var tree = invocation.Syntax.SyntaxTree;
            var configured = targets.IsConfiguredName(method.Name)
                ? perFile.GetOrAdd(tree, t => ConfiguredForFile(context.Options, t))
                : ImmutableHashSet<string>.Empty;
            if (!targets.TryMatch(invocation, configured, out var call))
            {
                return;
            }

            var loops = UpsertLoopScope.Enclosing(invocation);
            SyntaxNode inner = invocation.Syntax;
            foreach (var loop in loops)
            {
                if (loop.GuardedBySizeCheck)
                {
                    return; // flushes a buffer when it is full
                }

                if (loop.ExitsAfterSuccess(inner) || !PayloadDependsOn(loop, call, targets))
                {
                    inner = loop.Syntax; // a retry loop around one payload; the loop around it may still be per item
                    continue;
                }

                var location = invocation.Syntax.GetLocation();
                if (UpsertPayloadClassifier.IsPerItem(call, loop, targets.CancellationToken) && !generated.IsSuppressed(location, context.ContainingSymbol))
                {
                    var batchSize = RuleOptions.GetInt(
                        context.Options, tree, DiagnosticIds.UnbatchedUpsert, BatchSizeOption, DefaultBatchSize, min: 1, max: MaxBatchSize);
                    var properties = ImmutableDictionary<string, string?>.Empty
                        .Add(BatchSizeProperty, batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    context.ReportDiagnostic(Diagnostic.Create(Descriptors.UnbatchedUpsert, location, properties, call.DisplayName));
                }

                return;
            }
        }

        /// <summary>
        /// The payload changes between iterations. Only the payload counts: the same point written to each of several
        /// collections cannot be batched. For configured methods every argument but strings and cancellation tokens
        /// (collection names, tenants) is payload.
        /// </summary>
        private static bool PayloadDependsOn(UpsertLoopScope loop, UpsertCall call, UpsertTargets targets)
        {
            if (call.Payload != null)
            {
                return loop.DependsOnIteration(call.Payload);
            }

            foreach (var argument in call.Invocation.Arguments)
            {
                var type = argument.Parameter?.Type;
                if (type != null
                    && (type.SpecialType == SpecialType.System_String || SymbolEqualityComparer.Default.Equals(type, targets.CancellationToken)))
                {
                    continue;
                }

                if (loop.DependsOnIteration(argument.Value))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
