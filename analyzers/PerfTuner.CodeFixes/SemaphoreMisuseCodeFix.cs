using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using PerfTuner.Analyzers;
using PerfTuner.Analyzers.Infrastructure;
using PerfTuner.Analyzers.Rules;

namespace PerfTuner.CodeFixes
{
    /// <summary>
    /// PT0005 fix for the "released outside a finally" shapes: the statements after the wait, up to and including the
    /// Release, move into <c>try { … } finally { s.Release(); }</c>; the wait stays before the try. Offered only when the
    /// wait and the Release are statements of the same block. Locals declared in the moved statements but used after
    /// the Release are declared before the try; other releases of the same semaphore inside the moved statements are
    /// removed (the finally now releases on those paths).
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SemaphoreMisuseCodeFix)), Shared]
    public sealed class SemaphoreMisuseCodeFix : CodeFixProvider
    {
        private const string Title = "Release the semaphore in a finally block";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SemaphoreMisuse);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (fixAllContext, document, diagnostics) =>
                await WrapAsync(document, diagnostics, fixAllContext.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!IsFixableShape(diagnostic))
                {
                    continue;
                }

                var plan = await PlanAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false);
                if (plan != null)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            Title,
                            ct => WrapAsync(context.Document, ImmutableArray.Create(diagnostic), ct),
                            equivalenceKey: nameof(SemaphoreMisuseCodeFix)),
                        diagnostic);
                }
            }
        }

        private static bool IsFixableShape(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(SemaphoreMisuseAnalyzer.ShapeProperty, out var shape)
            && (shape == SemaphoreMisuseAnalyzer.ReleasedOutsideFinally || shape == SemaphoreMisuseAnalyzer.EarlyReturn);

        private static async Task<Document> WrapAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var plans = new List<Plan>();
            foreach (var diagnostic in diagnostics)
            {
                if (!IsFixableShape(diagnostic))
                {
                    continue;
                }

                var plan = await PlanAsync(document, diagnostic, cancellationToken).ConfigureAwait(false);
                if (plan != null && !plans.Any(p => p.Block == plan.Block && p.Overlaps(plan)))
                {
                    plans.Add(plan);
                }
            }

            if (plans.Count == 0)
            {
                return document;
            }

            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return document;
            }

            // Every edit rewrites the statement list of a block: the planned block itself, or a nested block that loses
            // a release now done by the finally. Statement indices of the original block stay valid in the rewritten one.
            var plansByBlock = plans.GroupBy(p => p.Block).ToDictionary(g => g.Key, g => g.OrderBy(p => p.WaitIndex).ToList());
            var removals = plans.SelectMany(p => p.RemovedReleases).ToImmutableHashSet();
            var blocks = plansByBlock.Keys.Concat(removals.Select(r => (BlockSyntax)r.Parent!)).Distinct().ToList();

            var newRoot = root.ReplaceNodes(blocks, (original, rewritten) =>
            {
                plansByBlock.TryGetValue(original, out var blockPlans);
                return Rewrite(original, rewritten, blockPlans ?? new List<Plan>(), removals);
            });

            return document.WithSyntaxRoot(newRoot);
        }

        private static BlockSyntax Rewrite(BlockSyntax original, BlockSyntax rewritten, List<Plan> plans, ImmutableHashSet<StatementSyntax> removals)
        {
            var statements = new List<StatementSyntax>();
            var index = 0;
            var count = original.Statements.Count;
            while (index < count)
            {
                var plan = plans.FirstOrDefault(p => p.WaitIndex == index);
                if (plan == null)
                {
                    if (!removals.Contains(original.Statements[index]))
                    {
                        statements.Add(rewritten.Statements[index]);
                    }

                    index++;
                    continue;
                }

                statements.Add(rewritten.Statements[plan.WaitIndex]);
                var moved = new List<StatementSyntax>();
                for (var i = plan.WaitIndex + 1; i < plan.ReleaseIndex; i++)
                {
                    var statement = rewritten.Statements[i];
                    if (removals.Contains(original.Statements[i]))
                    {
                        continue;
                    }

                    if (plan.Hoisted.TryGetValue(original.Statements[i], out var declaredType)
                        && statement is LocalDeclarationStatementSyntax declaration)
                    {
                        statements.Add(HoistedDeclaration(declaration, declaredType));
                        moved.AddRange(Assignments(declaration));
                    }
                    else
                    {
                        moved.Add(statement);
                    }
                }

                var release = rewritten.Statements[plan.ReleaseIndex];
                var tryStatement = SyntaxFactory.TryStatement(
                        SyntaxFactory.Block(moved),
                        default,
                        SyntaxFactory.FinallyClause(SyntaxFactory.Block(release.WithoutLeadingTrivia().WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed))))
                    .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                statements.Add(tryStatement);
                index = plan.ReleaseIndex + 1;
            }

            return rewritten.WithStatements(SyntaxFactory.List(statements));
        }

        private static LocalDeclarationStatementSyntax HoistedDeclaration(LocalDeclarationStatementSyntax declaration, TypeSyntax type)
        {
            var declarators = declaration.Declaration.Variables.Select(v => v.WithInitializer(null));
            return SyntaxFactory.LocalDeclarationStatement(
                    SyntaxFactory.VariableDeclaration(type, SyntaxFactory.SeparatedList(declarators)))
                .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                .WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>The initializers of a hoisted declaration as assignments; the first keeps the declaration's leading trivia (comments, blank line).</summary>
        private static IEnumerable<StatementSyntax> Assignments(LocalDeclarationStatementSyntax declaration)
        {
            var leading = declaration.GetLeadingTrivia();
            foreach (var variable in declaration.Declaration.Variables)
            {
                if (variable.Initializer != null)
                {
                    var trivia = leading;
                    leading = SyntaxFactory.TriviaList(SyntaxFactory.ElasticMarker);
                    yield return SyntaxFactory.ExpressionStatement(
                            SyntaxFactory.AssignmentExpression(
                                SyntaxKind.SimpleAssignmentExpression,
                                SyntaxFactory.IdentifierName(variable.Identifier.WithoutTrivia()),
                                variable.Initializer.Value.WithoutTrivia()))
                        .WithLeadingTrivia(trivia)
                        .WithAdditionalAnnotations(Formatter.Annotation);
                }
            }
        }

        /// <summary>Checks the shape on the current document and works out everything the rewrite needs.</summary>
        private static async Task<Plan?> PlanAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return null;
            }

            var waitNode = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var waitInvocation = waitNode as InvocationExpressionSyntax ?? waitNode.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (waitInvocation == null
                || !(model.GetOperation(waitInvocation, cancellationToken) is IInvocationOperation waitOperation))
            {
                return null;
            }

            var semaphore = SemaphoreCalls.SemaphoreSymbol(SemaphoreCalls.Receiver(waitOperation));
            var semaphoreType = waitOperation.TargetMethod.ContainingType?.OriginalDefinition;
            if (semaphore == null || semaphoreType == null)
            {
                return null;
            }

            var types = ImmutableHashSet.Create<INamedTypeSymbol>(SymbolEqualityComparer.Default, semaphoreType);

            // The wait must be a statement of its own block: `await s.WaitAsync(ct);` (also with
            // `.ConfigureAwait(false)`) or `s.Wait();`.
            SyntaxNode? waitExpression = waitInvocation;
            if (waitExpression.Parent is MemberAccessExpressionSyntax member
                && member.Name.Identifier.ValueText == "ConfigureAwait"
                && member.Parent is InvocationExpressionSyntax configureAwait)
            {
                waitExpression = configureAwait;
            }

            var waitStatement = waitExpression.Parent is AwaitExpressionSyntax awaited ? awaited.Parent : waitExpression.Parent;
            if (!(waitStatement is ExpressionStatementSyntax statement) || !(statement.Parent is BlockSyntax block))
            {
                return null;
            }

            var waitIndex = block.Statements.IndexOf(statement);
            var releaseIndex = -1;
            for (var i = waitIndex + 1; i < block.Statements.Count && releaseIndex < 0; i++)
            {
                if (block.Statements[i] is ExpressionStatementSyntax candidate
                    && candidate.Expression is InvocationExpressionSyntax invocation
                    && IsCallOn(model, invocation, semaphore, types, SemaphoreCallKind.Release, cancellationToken))
                {
                    releaseIndex = i;
                }
            }

            if (releaseIndex < 0)
            {
                return null;
            }

            var moved = block.Statements.Skip(waitIndex + 1).Take(releaseIndex - waitIndex - 1).ToList();
            var removed = new List<StatementSyntax>();
            foreach (var node in moved.SelectMany(s => s.DescendantNodesAndSelf(n => !IsFunction(n))))
            {
                if (node is LabeledStatementSyntax)
                {
                    return null; // a goto into the new try block would not compile
                }

                if (node is InvocationExpressionSyntax invocation)
                {
                    if (IsCallOn(model, invocation, semaphore, types, SemaphoreCallKind.Wait, cancellationToken))
                    {
                        return null; // a second wait in between: the permit count is not ours to rearrange
                    }

                    if (IsCallOn(model, invocation, semaphore, types, SemaphoreCallKind.Release, cancellationToken))
                    {
                        // An early path that already releases: the finally will, so the statement goes.
                        if (!(invocation.Parent is ExpressionStatementSyntax releaseStatement) || !(releaseStatement.Parent is BlockSyntax))
                        {
                            return null;
                        }

                        removed.Add(releaseStatement);
                    }
                }
            }

            var hoisted = HoistedDeclarations(model, block, moved, releaseIndex, cancellationToken);
            return hoisted == null ? null : new Plan(block, waitIndex, releaseIndex, removed, hoisted);
        }

        /// <summary>
        /// Locals declared by the moved statements but read after the Release must be declared before the try. Null
        /// when one cannot be (deconstruction, out variables, using or const declarations, anonymous types).
        /// </summary>
        private static Dictionary<StatementSyntax, TypeSyntax>? HoistedDeclarations(
            SemanticModel model, BlockSyntax block, List<StatementSyntax> moved, int releaseIndex, CancellationToken cancellationToken)
        {
            var declaredBy = new Dictionary<ISymbol, StatementSyntax>(SymbolEqualityComparer.Default);
            foreach (var statement in moved)
            {
                foreach (var node in statement.DescendantNodesAndSelf(n => !IsFunction(n) && !(n is BlockSyntax && n != statement)))
                {
                    var symbol = node switch
                    {
                        VariableDeclaratorSyntax declarator => model.GetDeclaredSymbol(declarator, cancellationToken),
                        SingleVariableDesignationSyntax designation => model.GetDeclaredSymbol(designation, cancellationToken),
                        LocalFunctionStatementSyntax function => model.GetDeclaredSymbol(function, cancellationToken),
                        _ => null,
                    };
                    if (symbol != null)
                    {
                        declaredBy[symbol] = statement;
                    }
                }
            }

            var hoisted = new Dictionary<StatementSyntax, TypeSyntax>();
            if (declaredBy.Count == 0)
            {
                return hoisted;
            }

            foreach (var later in block.Statements.Skip(releaseIndex + 1))
            {
                foreach (var identifier in later.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
                    if (symbol == null || !declaredBy.TryGetValue(symbol, out var declaringStatement))
                    {
                        continue;
                    }

                    if (!(declaringStatement is LocalDeclarationStatementSyntax declaration)
                        || !(symbol is ILocalSymbol local)
                        || declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                        || declaration.IsConst
                        || local.IsRef
                        || !declaration.Declaration.Variables.Any(v => v.Identifier.ValueText == local.Name)
                        || local.Type.IsAnonymousType
                        || local.Type.TypeKind == TypeKind.Error)
                    {
                        return null;
                    }

                    if (!hoisted.ContainsKey(declaration))
                    {
                        var type = declaration.Declaration.Type.IsVar
                            ? SyntaxFactory.ParseTypeName(local.Type.ToMinimalDisplayString(model, declaration.SpanStart)).WithAdditionalAnnotations(Simplifier.Annotation)
                            : declaration.Declaration.Type.WithoutTrivia();
                        hoisted.Add(declaration, type.WithTrailingTrivia(SyntaxFactory.Space));
                    }
                }
            }

            return hoisted;
        }

        private static bool IsFunction(SyntaxNode node) =>
            node is AnonymousFunctionExpressionSyntax || node is LocalFunctionStatementSyntax;

        private static bool IsCallOn(
            SemanticModel model, InvocationExpressionSyntax invocation, ISymbol semaphore, ImmutableHashSet<INamedTypeSymbol> types, SemaphoreCallKind kind, CancellationToken cancellationToken) =>
            model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation
            && SemaphoreCalls.Classify(operation, types) == kind
            && SymbolEqualityComparer.Default.Equals(SemaphoreCalls.SemaphoreSymbol(SemaphoreCalls.Receiver(operation)), semaphore);

        private sealed class Plan
        {
            internal Plan(BlockSyntax block, int waitIndex, int releaseIndex, List<StatementSyntax> removedReleases, Dictionary<StatementSyntax, TypeSyntax> hoisted)
            {
                Block = block;
                WaitIndex = waitIndex;
                ReleaseIndex = releaseIndex;
                RemovedReleases = removedReleases;
                Hoisted = hoisted;
            }

            internal BlockSyntax Block { get; }

            internal int WaitIndex { get; }

            internal int ReleaseIndex { get; }

            internal List<StatementSyntax> RemovedReleases { get; }

            internal Dictionary<StatementSyntax, TypeSyntax> Hoisted { get; }

            internal bool Overlaps(Plan other) => WaitIndex <= other.ReleaseIndex && other.WaitIndex <= ReleaseIndex;
        }
    }
}
