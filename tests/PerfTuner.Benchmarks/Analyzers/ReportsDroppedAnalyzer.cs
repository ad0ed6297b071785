using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Benchmarks.Analyzers;

/// <summary>
/// Runs a PerfTuner rule unchanged but drops every diagnostic it reports before the driver sees it: the rule's
/// analysis alone, without what the build then pays per reported diagnostic. That price is not small. Before it
/// returns an analyzer's diagnostics, the driver checks each one for [SuppressMessage] by asking the tree's semantic
/// model for the symbol declared by every syntax node from the diagnostic up to the file's root. When one of those
/// nodes declares a local (a <c>using var</c> declarator, a foreach variable, an out variable), the model binds the
/// whole member again, with nullable analysis, because the model the analysis ran on has been released by then.
/// A rule reporting deep inside method bodies pays that per member it reports in.
/// <para>
/// Only what PerfTuner's rules register is forwarded (compilation-start and semantic-model actions); anything else
/// throws, so a rule that starts registering more fails this benchmark instead of being measured half-run.
/// </para>
/// </summary>
#pragma warning disable RS1001, RS1012, RS1025, RS1026, RS1036, RS1041 // a wrapper: the inner rule configures itself and registers through the forwarded contexts
internal sealed class ReportsDroppedAnalyzer(DiagnosticAnalyzer rule) : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => rule.SupportedDiagnostics;

    public override void Initialize(AnalysisContext context) => rule.Initialize(new DroppingContext(context));

    private static void Drop(Diagnostic diagnostic)
    {
    }

    private static Exception NotForwarded(string registration) =>
        new NotSupportedException($"{nameof(ReportsDroppedAnalyzer)} forwards only compilation-start and semantic-model actions; a rule registered {registration}.");

    private sealed class DroppingContext(AnalysisContext inner) : AnalysisContext
    {
        public override void EnableConcurrentExecution() => inner.EnableConcurrentExecution();

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => inner.ConfigureGeneratedCodeAnalysis(analysisMode);

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) =>
            inner.RegisterCompilationStartAction(start => action(new DroppingStartContext(start)));

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) =>
            inner.RegisterSemanticModelAction(context => action(Dropping(context)));

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => throw NotForwarded("a compilation action");

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => throw NotForwarded("a symbol action");

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => throw NotForwarded("a code-block-start action");

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => throw NotForwarded("a code-block action");

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => throw NotForwarded("a syntax-tree action");

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => throw NotForwarded("a syntax-node action");

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => throw NotForwarded("an operation action");

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => throw NotForwarded("an operation-block-start action");

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => throw NotForwarded("an operation-block action");

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => throw NotForwarded("a symbol-start action");
    }

    private sealed class DroppingStartContext(CompilationStartAnalysisContext inner)
        : CompilationStartAnalysisContext(inner.Compilation, inner.Options, inner.CancellationToken)
    {
        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) =>
            inner.RegisterSemanticModelAction(context => action(Dropping(context)));

        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => throw NotForwarded("a compilation-end action");

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => throw NotForwarded("a symbol action");

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => throw NotForwarded("a code-block-start action");

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => throw NotForwarded("a code-block action");

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => throw NotForwarded("a syntax-tree action");

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => throw NotForwarded("a syntax-node action");

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => throw NotForwarded("an operation action");

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => throw NotForwarded("an operation-block-start action");

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => throw NotForwarded("an operation-block action");

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => throw NotForwarded("a symbol-start action");
    }

    // The public constructor is obsolete for analyzers running themselves outside a driver; here the driver runs the
    // rule and only the report sink is replaced (the whole tree is analysed, as in a compile).
#pragma warning disable CS0618
    private static SemanticModelAnalysisContext Dropping(SemanticModelAnalysisContext context) =>
        new(context.SemanticModel, context.Options, Drop, _ => true, context.CancellationToken);
#pragma warning restore CS0618
}
#pragma warning restore RS1001, RS1012, RS1025, RS1026, RS1036, RS1041
