using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
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
using PerfTuner.Analyzers;
using PerfTuner.Analyzers.Rules;

namespace PerfTuner.CodeFixes
{
    /// <summary>
    /// PT0002 fix for the common loop shape: the per-item upsert statement becomes <c>points.Add(point)</c>, and after
    /// the loop <c>foreach (var batch in points.Chunk(n))</c> sends the same call with the batch (cancellation token,
    /// <c>wait</c> and every other argument unchanged). Offered only when nothing can observe the difference: the call
    /// is the body's last statement (counters may follow), its result is unused, the loop has no return, throw, goto
    /// or yield that would skip the final flush, and everything the call uses besides the payload is the same in
    /// every iteration.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnbatchedUpsertCodeFix))]
    [Shared]
    public sealed class UnbatchedUpsertCodeFix : CodeFixProvider
    {
        private const string EquivalenceKey = "PT0002.UpsertInBatches";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnbatchedUpsert);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => (Document?)await ApplyAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return;
            }

            foreach (var diagnostic in context.Diagnostics)
            {
                var plan = BatchingPlan.TryCreate(root, model, diagnostic, context.CancellationToken);
                if (plan == null)
                {
                    continue;
                }

                var title = string.Format(CultureInfo.InvariantCulture, "Collect the {0} and upsert them in batches of {1}", plan.BaseName, plan.BatchSize);
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => ApplyAsync(context.Document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey),
                    diagnostic);
            }
        }

        private static async Task<Document> ApplyAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return document;
            }

            // Plan every fix against the original tree, then apply them one by one; loops that nest or repeat are fixed once.
            var plans = new List<BatchingPlan>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var plan = BatchingPlan.TryCreate(root, model, diagnostic, cancellationToken);
                if (plan != null && !plans.Any(p => p.Loop.Span.IntersectsWith(plan.Loop.Span)))
                {
                    plans.Add(plan);
                }
            }

            if (plans.Count == 0)
            {
                return document;
            }

            var tracked = plans.SelectMany(p => new SyntaxNode[] { p.Loop, p.Statement, p.Payload }.Concat(p.Elements));
            var newRoot = root.TrackNodes(tracked);
            foreach (var plan in plans)
            {
                newRoot = plan.Apply(newRoot);
            }

            return document.WithSyntaxRoot(newRoot);
        }

        /// <summary>Everything one fix needs, checked against the original semantic model.</summary>
        private sealed class BatchingPlan
        {
            private BatchingPlan(
                StatementSyntax loop,
                ExpressionStatementSyntax statement,
                ExpressionSyntax payload,
                ImmutableArray<ExpressionSyntax> elements,
                string listType,
                string baseName,
                int batchSize,
                bool chunkIsInScope)
            {
                Loop = loop;
                Statement = statement;
                Payload = payload;
                Elements = elements;
                ListType = listType;
                BaseName = baseName;
                BatchSize = batchSize;
                ChunkIsInScope = chunkIsInScope;
            }

            internal StatementSyntax Loop { get; }

            internal ExpressionStatementSyntax Statement { get; }

            internal ExpressionSyntax Payload { get; }

            internal ImmutableArray<ExpressionSyntax> Elements { get; }

            internal string ListType { get; }

            internal string BaseName { get; }

            internal int BatchSize { get; }

            internal bool ChunkIsInScope { get; }

            internal static BatchingPlan? TryCreate(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
            {
                if (diagnostic.Location.SourceTree != root.SyntaxTree)
                {
                    return null;
                }

                var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                    .AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
                if (invocation == null || !(model.GetOperation(invocation, cancellationToken) is IInvocationOperation operation))
                {
                    return null;
                }

                if (!TryGetPayload(operation, model.Compilation, out var payload, out var elementType, out var single, out var baseName))
                {
                    return null;
                }

                var elements = single ? ImmutableArray.Create(payload) : LiteralElements(payload);
                if (elements.IsDefaultOrEmpty)
                {
                    return null;
                }

                if (!(StatementOf(invocation) is ExpressionStatementSyntax statement)
                    || !(statement.Parent is BlockSyntax || IsLoop(statement.Parent)))
                {
                    return null;
                }

                var loop = statement.Parent is BlockSyntax body ? body.Parent as StatementSyntax : statement.Parent as StatementSyntax;
                if (loop == null || !IsLoop(loop) || !(loop.Parent is BlockSyntax) || !CanCollectInstead(loop, statement, invocation))
                {
                    return null;
                }

                if (!IsSameEveryIteration(model, loop, invocation, payload, cancellationToken))
                {
                    return null;
                }

                var compilation = model.Compilation;
                var enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
                var listDefinition = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
                if (enumerable == null || listDefinition == null || enumerable.GetMembers("Chunk").IsEmpty)
                {
                    return null; // Enumerable.Chunk needs .NET 6 or later
                }

                var listType = listDefinition.Construct(elementType);
                var chunkIsInScope = !model.LookupSymbols(loop.SpanStart, listType, "Chunk", includeReducedExtensionMethods: true).IsEmpty;
                var batchSize = ReadBatchSize(diagnostic);
                return new BatchingPlan(
                    loop,
                    statement,
                    payload,
                    elements,
                    listType.ToMinimalDisplayString(model, loop.SpanStart),
                    baseName,
                    batchSize,
                    chunkIsInScope);
            }

            private static int ReadBatchSize(Diagnostic diagnostic)
            {
                if (diagnostic.Properties.TryGetValue(UnbatchedUpsertAnalyzer.BatchSizeProperty, out var text)
                    && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size)
                    && size > 0)
                {
                    return size;
                }

                return UnbatchedUpsertAnalyzer.DefaultBatchSize;
            }

            /// <summary>
            /// QdrantClient/IQdrantClient.UpsertAsync(collection, points, ...) with a literal list of points, or
            /// VectorStoreCollection.UpsertAsync(record, ...) for a single record.
            /// </summary>
            private static bool TryGetPayload(
                IInvocationOperation operation,
                Compilation compilation,
                out ExpressionSyntax payload,
                out ITypeSymbol elementType,
                out bool single,
                out string baseName)
            {
                payload = null!;
                elementType = null!;
                single = false;
                baseName = "points";
                var method = operation.TargetMethod;
                if (method.Name != "UpsertAsync")
                {
                    return false;
                }

                var containing = method.ContainingType.OriginalDefinition;
                var qdrant = compilation.GetTypeByMetadataName("Qdrant.Client.QdrantClient");
                var qdrantInterface = compilation.GetTypeByMetadataName("Qdrant.Client.IQdrantClient");
                var pointStruct = compilation.GetTypeByMetadataName("Qdrant.Client.Grpc.PointStruct");
                if (pointStruct != null
                    && (SymbolEqualityComparer.Default.Equals(containing, qdrant) || SymbolEqualityComparer.Default.Equals(containing, qdrantInterface)))
                {
                    var points = operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "points");
                    if (points?.Syntax is ArgumentSyntax argument)
                    {
                        payload = argument.Expression;
                        elementType = pointStruct;
                        return true;
                    }

                    return false;
                }

                var collection = compilation.GetTypeByMetadataName("Microsoft.Extensions.VectorData.VectorStoreCollection`2");
                for (var candidate = method; candidate != null && collection != null; candidate = candidate.OverriddenMethod)
                {
                    if (SymbolEqualityComparer.Default.Equals(candidate.ContainingType.OriginalDefinition, collection))
                    {
                        var record = operation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0);
                        if (candidate.OriginalDefinition.Parameters.Length > 0
                            && candidate.OriginalDefinition.Parameters[0].Type.TypeKind == TypeKind.TypeParameter
                            && record?.Syntax is ArgumentSyntax argument
                            && record.Parameter != null)
                        {
                            payload = argument.Expression;
                            elementType = record.Parameter.Type;
                            single = true;
                            baseName = "records";
                            return true;
                        }

                        return false;
                    }
                }

                return false;
            }

            /// <summary>The items of <c>new[] { a }</c>, <c>new PointStruct[] { a }</c>, <c>new List&lt;PointStruct&gt; { a }</c> or <c>[a]</c>.</summary>
            private static ImmutableArray<ExpressionSyntax> LiteralElements(ExpressionSyntax payload)
            {
                InitializerExpressionSyntax? initializer = null;
                switch (payload)
                {
                    case ImplicitArrayCreationExpressionSyntax implicitArray:
                        initializer = implicitArray.Initializer;
                        break;
                    case ArrayCreationExpressionSyntax array:
                        initializer = array.Initializer;
                        break;
                    case ObjectCreationExpressionSyntax creation when creation.ArgumentList == null || creation.ArgumentList.Arguments.Count == 0:
                        initializer = creation.Initializer;
                        break;
                    case CollectionExpressionSyntax collection:
                        var items = ImmutableArray.CreateBuilder<ExpressionSyntax>();
                        foreach (var element in collection.Elements)
                        {
                            if (!(element is ExpressionElementSyntax expression))
                            {
                                return default;
                            }

                            items.Add(expression.Expression);
                        }

                        return items.ToImmutable();
                }

                if (initializer == null || initializer.Expressions.Any(e => e is InitializerExpressionSyntax || e is AssignmentExpressionSyntax))
                {
                    return default;
                }

                return initializer.Expressions.ToImmutableArray();
            }

            private static StatementSyntax? StatementOf(InvocationExpressionSyntax invocation)
            {
                // await x.UpsertAsync(...); await x.UpsertAsync(...).ConfigureAwait(false); x.UpsertAsync(...).GetAwaiter().GetResult(); x.UpsertAsync(...).Wait();
                ExpressionSyntax expression = invocation;
                while (expression.Parent is MemberAccessExpressionSyntax member
                       && member.Expression == expression
                       && member.Parent is InvocationExpressionSyntax outer
                       && (member.Name.Identifier.ValueText == "ConfigureAwait" || member.Name.Identifier.ValueText == "GetAwaiter"
                           || member.Name.Identifier.ValueText == "GetResult" || member.Name.Identifier.ValueText == "Wait"))
                {
                    expression = outer;
                }

                if (expression.Parent is AwaitExpressionSyntax awaited)
                {
                    expression = awaited;
                }

                return expression.Parent as ExpressionStatementSyntax;
            }

            private static bool IsLoop(SyntaxNode? node) =>
                node is ForEachStatementSyntax || node is ForStatementSyntax || node is WhileStatementSyntax || node is DoStatementSyntax;

            /// <summary>
            /// Nothing after the call in the body but counters, no other upsert in the loop, and no return, throw, goto or
            /// yield in the loop: every iteration that collected a point reaches the flush after the loop.
            /// </summary>
            private static bool CanCollectInstead(StatementSyntax loop, ExpressionStatementSyntax statement, InvocationExpressionSyntax invocation)
            {
                if (statement.Parent is BlockSyntax body)
                {
                    var index = body.Statements.IndexOf(statement);
                    for (var i = index + 1; i < body.Statements.Count; i++)
                    {
                        if (!IsCounterUpdate(body.Statements[i]))
                        {
                            return false;
                        }
                    }
                }

                foreach (var node in loop.DescendantNodes(n => !(n is AnonymousFunctionExpressionSyntax || n is LocalFunctionStatementSyntax)))
                {
                    switch (node)
                    {
                        case ReturnStatementSyntax _:
                        case ThrowStatementSyntax _:
                        case ThrowExpressionSyntax _:
                        case GotoStatementSyntax _:
                        case YieldStatementSyntax _:
                            return false;
                        case InvocationExpressionSyntax other when other != invocation && IsUpsertName(other):
                            return false;
                    }
                }

                return true;
            }

            private static bool IsUpsertName(InvocationExpressionSyntax invocation)
            {
                var name = invocation.Expression is MemberAccessExpressionSyntax member ? member.Name.Identifier.ValueText
                    : invocation.Expression is IdentifierNameSyntax identifier ? identifier.Identifier.ValueText
                    : string.Empty;
                return name.StartsWith("Upsert", System.StringComparison.Ordinal);
            }

            private static bool IsCounterUpdate(StatementSyntax statement) =>
                statement is ExpressionStatementSyntax expression
                && (expression.Expression is PostfixUnaryExpressionSyntax
                    || expression.Expression is PrefixUnaryExpressionSyntax
                    || (expression.Expression is AssignmentExpressionSyntax assignment
                        && !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)
                        && assignment.Right is LiteralExpressionSyntax))
                && !expression.DescendantNodes().OfType<InvocationExpressionSyntax>().Any();

            /// <summary>The receiver and every argument but the payload may move after the loop: no await, nothing declared or written in the loop.</summary>
            private static bool IsSameEveryIteration(
                SemanticModel model,
                StatementSyntax loop,
                InvocationExpressionSyntax invocation,
                ExpressionSyntax payload,
                CancellationToken cancellationToken)
            {
                var flow = model.AnalyzeDataFlow(loop);
                if (flow == null || !flow.Succeeded)
                {
                    return false;
                }

                var changing = new HashSet<ISymbol>(flow.VariablesDeclared.Concat(flow.WrittenInside), SymbolEqualityComparer.Default);
                foreach (var node in invocation.DescendantNodesAndSelf(n => n != payload))
                {
                    if (node == payload || payload.Span.Contains(node.Span))
                    {
                        continue;
                    }

                    if (node is AwaitExpressionSyntax)
                    {
                        return false;
                    }

                    if (node is IdentifierNameSyntax identifier)
                    {
                        var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
                        if (symbol != null && changing.Contains(symbol))
                        {
                            return false;
                        }
                    }
                }

                return true;
            }

            internal SyntaxNode Apply(SyntaxNode root)
            {
                var loop = root.GetCurrentNode(Loop);
                var statement = root.GetCurrentNode(Statement);
                var payload = root.GetCurrentNode(Payload);
                var elements = Elements.Select(e => root.GetCurrentNode(e)).ToList();
                if (loop == null || statement == null || payload == null || elements.Any(e => e == null) || !(loop.Parent is BlockSyntax block))
                {
                    return root;
                }

                var taken = NamesInScope(loop);
                var listName = Unique(BaseName, taken);
                taken.Add(listName);
                var batchName = Unique("batch", taken);

                // In the loop: points.Add(item) for each literal item, keeping the call's comments.
                var adds = elements.Select(e => (StatementSyntax)SyntaxFactory.ExpressionStatement(
                        SyntaxFactory.InvocationExpression(
                            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(listName), SyntaxFactory.IdentifierName("Add")),
                            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(e!.WithoutTrivia())))))
                    .WithAdditionalAnnotations(Formatter.Annotation))
                    .ToList();
                adds[0] = adds[0].WithLeadingTrivia(statement.GetLeadingTrivia());
                adds[adds.Count - 1] = adds[adds.Count - 1].WithTrailingTrivia(statement.GetTrailingTrivia());

                StatementSyntax newLoop;
                if (statement.Parent is BlockSyntax)
                {
                    newLoop = loop.ReplaceNode(statement, adds);
                }
                else
                {
                    StatementSyntax replacement = adds.Count == 1 ? adds[0] : SyntaxFactory.Block(adds).WithAdditionalAnnotations(Formatter.Annotation);
                    newLoop = loop.ReplaceNode(statement, replacement);
                }

                // After the loop: the original call, once per batch.
                var batchCall = statement.ReplaceNode(payload, SyntaxFactory.IdentifierName(batchName).WithTriviaFrom(payload))
                    .WithoutLeadingTrivia()
                    .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
                var chunks = ChunkIsInScope
                    ? SyntaxFactory.ParseExpression(listName + ".Chunk(" + BatchSize.ToString(CultureInfo.InvariantCulture) + ")")
                    : SyntaxFactory.ParseExpression("System.Linq.Enumerable.Chunk(" + listName + ", " + BatchSize.ToString(CultureInfo.InvariantCulture) + ")");
                var flush = SyntaxFactory.ForEachStatement(
                        SyntaxFactory.IdentifierName("var"),
                        SyntaxFactory.Identifier(batchName),
                        chunks,
                        SyntaxFactory.Block(batchCall))
                    .WithAdditionalAnnotations(Formatter.Annotation);

                var declaration = SyntaxFactory.ParseStatement("var " + listName + " = new " + ListType + "();")
                    .WithLeadingTrivia(loop.GetLeadingTrivia())
                    .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
                    .WithAdditionalAnnotations(Formatter.Annotation);
                // A blank line between the collecting loop and the flush, in the file's own line ending.
                var endOfLine = loop.GetTrailingTrivia().Where(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).DefaultIfEmpty(SyntaxFactory.ElasticCarriageReturnLineFeed).First();
                newLoop = newLoop.WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithTrailingTrivia(endOfLine);
                var flushWithTrivia = flush.WithLeadingTrivia(endOfLine).WithTrailingTrivia(loop.GetTrailingTrivia());

                var index = block.Statements.IndexOf(loop);
                var statements = block.Statements.RemoveAt(index).InsertRange(index, new StatementSyntax[] { declaration, newLoop, flushWithTrivia });
                return root.ReplaceNode(block, block.WithStatements(statements));
            }

            /// <summary>Every identifier used or declared in the enclosing member, so new names never shadow or clash.</summary>
            private static HashSet<string> NamesInScope(SyntaxNode node)
            {
                var scope = node.Ancestors().FirstOrDefault(a => a is MemberDeclarationSyntax) ?? node.SyntaxTree.GetRoot();
                var names = new HashSet<string>(System.StringComparer.Ordinal);
                foreach (var token in scope.DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken))
                    {
                        names.Add(token.ValueText);
                    }
                }

                return names;
            }

            private static string Unique(string name, HashSet<string> taken)
            {
                var candidate = name;
                for (var i = 2; taken.Contains(candidate); i++)
                {
                    candidate = name + i.ToString(CultureInfo.InvariantCulture);
                }

                return candidate;
            }
        }
    }
}
