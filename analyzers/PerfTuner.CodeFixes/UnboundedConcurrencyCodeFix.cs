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
using PerfTuner.Analyzers;
using PerfTuner.Analyzers.Rules;

namespace PerfTuner.CodeFixes
{
    /// <summary>
    /// PT0003 fix for <c>Task.WhenAll/WaitAll(source.Select(lambda))</c>:
    /// <list type="bullet">
    /// <item>awaited as a statement (results unused) → <c>await Parallel.ForEachAsync(source, new ParallelOptions { MaxDegreeOfParallelism = N }, async (x, cancellationToken) => …)</c>;
    /// a CancellationToken the lambda already uses is forwarded into ParallelOptions.CancellationToken;</item>
    /// <item>otherwise (results used) → a <c>SemaphoreSlim(N)</c> local created just before the statement, acquired at the
    /// start of the lambda and released in a finally block. A local, not a static field: the limit is per call, so
    /// unrelated callers are not coupled and a re-entrant call cannot deadlock on a permit its caller holds.</item>
    /// </list>
    /// N comes from <c>perftuner.PT0003.max_degree_of_parallelism</c> (default 8). Fix All applies the fixes one by one.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedConcurrencyCodeFix))]
    [Shared]
    public sealed class UnboundedConcurrencyCodeFix : CodeFixProvider
    {
        internal const string EquivalenceKey = "PT0003.LimitFanOut";

        private static readonly string[] TokenNameCandidates = { "cancellationToken", "ct", "token", "cancellation" };

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnboundedConcurrency);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create(async (context, document, diagnostics) => (Document?)await FixAllAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

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
                if (!diagnostic.Properties.ContainsKey(UnboundedConcurrencyAnalyzer.SelectLambdaProperty))
                {
                    continue;
                }

                var plan = Plan.Create(root, model, diagnostic.Location.SourceSpan, Limit(diagnostic), context.CancellationToken);
                if (plan == null)
                {
                    continue;
                }

                var title = plan.UseForEachAsync
                    ? $"Use Parallel.ForEachAsync with MaxDegreeOfParallelism = {plan.Limit}"
                    : $"Limit the fan-out with a SemaphoreSlim({plan.Limit})";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => FixAllAsync(context.Document, ImmutableArray.Create(diagnostic), ct), EquivalenceKey),
                    diagnostic);
            }
        }

        private static int Limit(Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(UnboundedConcurrencyAnalyzer.MaxDegreeOfParallelismProperty, out var raw)
            && int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit) && limit > 0
                ? limit
                : UnboundedConcurrencyAnalyzer.DefaultMaxDegreeOfParallelism;

        /// <summary>Marks every target first, then fixes them one at a time against a fresh semantic model (names stay unique).</summary>
        private static async Task<Document> FixAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root == null)
            {
                return document;
            }

            var targets = new List<(SyntaxAnnotation Annotation, int Limit)>();
            var nodes = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            foreach (var diagnostic in diagnostics)
            {
                if (!diagnostic.Properties.ContainsKey(UnboundedConcurrencyAnalyzer.SelectLambdaProperty))
                {
                    continue;
                }

                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (node != null && !nodes.ContainsKey(node))
                {
                    var annotation = new SyntaxAnnotation("PT0003.Target");
                    nodes.Add(node, annotation);
                    targets.Add((annotation, Limit(diagnostic)));
                }
            }

            document = document.WithSyntaxRoot(root.ReplaceNodes(nodes.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(nodes[original])));
            foreach (var (annotation, limit) in targets)
            {
                root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                var target = root?.GetAnnotatedNodes(annotation).FirstOrDefault();
                if (root == null || model == null || target == null)
                {
                    continue;
                }

                var plan = Plan.Create(root, model, target.Span, limit, cancellationToken);
                if (plan == null)
                {
                    continue;
                }

                document = document.WithSyntaxRoot(plan.Apply(root));
            }

            return document;
        }

        /// <summary>What one fix changes, decided from the syntax and the semantic model before anything is edited.</summary>
        private sealed class Plan
        {
            private Plan(InvocationExpressionSyntax join, ExpressionSyntax source, LambdaExpressionSyntax lambda, ParameterSyntax parameter, int limit)
            {
                Join = join;
                Source = source;
                Lambda = lambda;
                Parameter = parameter;
                Limit = limit;
            }

            internal int Limit { get; }

            internal bool UseForEachAsync { get; private set; }

            private InvocationExpressionSyntax Join { get; }

            private ExpressionSyntax Source { get; }

            private LambdaExpressionSyntax Lambda { get; }

            private ParameterSyntax Parameter { get; }

            private bool ReturnsValue { get; set; }

            private string? ForwardedToken { get; set; }

            private string NewName { get; set; } = string.Empty;

            private string TypePrefix { get; set; } = string.Empty;

            private StatementSyntax? Statement { get; set; }

            private bool DisposeSemaphore { get; set; }

            internal static Plan? Create(SyntaxNode root, SemanticModel model, Microsoft.CodeAnalysis.Text.TextSpan span, int limit, CancellationToken cancellationToken)
            {
                var node = root.FindNode(span, getInnermostNodeForTie: true);
                var join = node as InvocationExpressionSyntax ?? node.Parent as InvocationExpressionSyntax;
                if (join == null || join.ArgumentList.Arguments.Count == 0
                    || model.GetSymbolInfo(join, cancellationToken).Symbol is not IMethodSymbol joinMethod
                    || joinMethod.ContainingType?.ToDisplayString() != "System.Threading.Tasks.Task"
                    || (joinMethod.Name != "WhenAll" && joinMethod.Name != "WaitAll"))
                {
                    return null;
                }

                // Task.WhenAll(source.Select(lambda)[.ToArray()|.ToList()])
                var tasks = join.ArgumentList.Arguments[0].Expression;
                while (tasks is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0, Expression: MemberAccessExpressionSyntax copy }
                       && (copy.Name.Identifier.ValueText == "ToArray" || copy.Name.Identifier.ValueText == "ToList"))
                {
                    tasks = copy.Expression;
                }

                if (tasks is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax select, ArgumentList.Arguments.Count: 1 } selectCall
                    || select.Name.Identifier.ValueText != "Select"
                    || selectCall.ArgumentList.Arguments[0].Expression is not LambdaExpressionSyntax lambda
                    || model.GetSymbolInfo(selectCall, cancellationToken).Symbol is not IMethodSymbol { ContainingType: { } enumerable }
                    || enumerable.ToDisplayString() != "System.Linq.Enumerable"
                    || model.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol lambdaSymbol)
                {
                    return null;
                }

                ParameterSyntax? parameter = lambda switch
                {
                    SimpleLambdaExpressionSyntax simple => simple.Parameter,
                    ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0],
                    _ => null,
                };
                var isAsync = lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                if (parameter == null || parameter.Type != null || parameter.Modifiers.Any()
                    || (!isAsync && lambda.Block != null) // a synchronous block body would need its returns rewritten
                    || lambdaSymbol.ReturnType is not INamedTypeSymbol returnType
                    || returnType.OriginalDefinition.ToDisplayString() is not ("System.Threading.Tasks.Task" or "System.Threading.Tasks.Task<TResult>"))
                {
                    return null;
                }

                var plan = new Plan(join, select.Expression, lambda, parameter, limit)
                {
                    ReturnsValue = returnType.IsGenericType,
                    ForwardedToken = UsedOuterToken(model, lambda, cancellationToken),
                };

                if (plan.CanUseForEachAsync(model, joinMethod, isAsync, cancellationToken))
                {
                    plan.UseForEachAsync = true;
                    plan.NewName = FreeName(model, lambda, TokenNameCandidates, cancellationToken);
                    plan.TypePrefix = Resolves(model, join.SpanStart, "Parallel", "System.Threading.Tasks.Parallel") ? string.Empty : "System.Threading.Tasks.";
                    return plan;
                }

                // Otherwise a semaphore declared just before the statement, in the same block and outside any lambda.
                var statement = join.FirstAncestorOrSelf<StatementSyntax>();
                if (statement?.Parent is not BlockSyntax
                    || join.Ancestors().TakeWhile(a => a != statement).Any(a => a is AnonymousFunctionExpressionSyntax || a is LocalFunctionStatementSyntax))
                {
                    return null;
                }

                plan.Statement = statement;
                plan.DisposeSemaphore = (IsAwaited(join) || joinMethod.Name == "WaitAll")
                                        && ((CSharpParseOptions)join.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp8;
                plan.NewName = FreeName(model, statement, new[] { "throttle", "throttle2", "throttle3", "throttle4", "fanOutLimit" }, cancellationToken);
                plan.TypePrefix = Resolves(model, statement.SpanStart, "SemaphoreSlim", "System.Threading.SemaphoreSlim") ? string.Empty : "System.Threading.";
                return plan;
            }

            internal SyntaxNode Apply(SyntaxNode root)
            {
                if (UseForEachAsync)
                {
                    return root.ReplaceNode(Join, ForEachAsyncCall().WithTriviaFrom(Join));
                }

                var statement = Statement!;
                var block = (BlockSyntax)statement.Parent!;
                var index = block.Statements.IndexOf(statement);
                var lambda = GuardedLambda(root);
                if (lambda == null)
                {
                    return root;
                }

                var guarded = statement.ReplaceNode(Lambda, lambda);
                var declaration = SemaphoreDeclaration()
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine(NewLine(root)));
                guarded = guarded.WithLeadingTrivia(Indentation(statement));
                var statements = block.Statements.RemoveAt(index).InsertRange(index, new[] { declaration, guarded });
                return root.ReplaceNode(block, block.WithStatements(statements));
            }

            /// <summary>The whitespace that indents <paramref name="statement"/> (comments above it stay with the first new line).</summary>
            private static SyntaxTriviaList Indentation(StatementSyntax statement)
            {
                var leading = statement.GetLeadingTrivia();
                return leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia)
                    ? SyntaxFactory.TriviaList(leading[leading.Count - 1])
                    : SyntaxFactory.TriviaList();
            }

            private static string NewLine(SyntaxNode root)
            {
                var endOfLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                return endOfLine.IsKind(SyntaxKind.EndOfLineTrivia) ? endOfLine.ToString() : "\n";
            }

            /// <summary>Results unused, awaited as a statement, an IEnumerable source and Parallel.ForEachAsync available (.NET 6+).</summary>
            private bool CanUseForEachAsync(SemanticModel model, IMethodSymbol joinMethod, bool isAsync, CancellationToken cancellationToken)
            {
                if (joinMethod.Name != "WhenAll" || !IsAwaited(Join))
                {
                    return false;
                }

                var await = Join.FirstAncestorOrSelf<AwaitExpressionSyntax>();
                if (await?.Parent is not ExpressionStatementSyntax)
                {
                    return false;
                }

                var parallel = model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
                if (parallel == null || parallel.GetMembers("ForEachAsync").IsEmpty)
                {
                    return false;
                }

                // An async block that returns values cannot become a ValueTask body; an expression body can (its value is dropped).
                if (isAsync && Lambda.Block != null && ReturnsValue)
                {
                    return false;
                }

                if (Lambda.ExpressionBody != null && isAsync && !IsStatementExpression(Lambda.ExpressionBody))
                {
                    return false;
                }

                var sourceType = model.GetTypeInfo(Source, cancellationToken).Type;
                return sourceType != null && sourceType.AllInterfaces.Any(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
                       || sourceType?.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T;
            }

            private ExpressionSyntax ForEachAsyncCall()
            {
                var options = "MaxDegreeOfParallelism = " + Limit.ToString(CultureInfo.InvariantCulture)
                              + (ForwardedToken == null ? string.Empty : ", CancellationToken = " + ForwardedToken);
                var modifiers = string.Concat(Lambda.Modifiers.Where(m => !m.IsKind(SyntaxKind.AsyncKeyword)).Select(m => m.Text + " "));
                var body = Lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword)
                    ? Lambda.ArrowToken.ToFullString() + Lambda.Body.ToFullString()
                    : Lambda.ArrowToken.ToFullString() + "await " + Lambda.Body.ToFullString();
                var text = $"{TypePrefix}Parallel.ForEachAsync({Source}, new {TypePrefix}ParallelOptions {{ {options} }}, "
                           + $"{modifiers}async ({Parameter.Identifier.ValueText}, {NewName}) {body})";
                return SyntaxFactory.ParseExpression(text);
            }

            /// <summary>
            /// <c>async x =&gt; { await throttle.WaitAsync(); try { work } finally { throttle.Release(); } }</c>, laid out in the
            /// file's style: braces on their own lines, the work indented one level deeper than before.
            /// </summary>
            private LambdaExpressionSyntax? GuardedLambda(SyntaxNode root)
            {
                var newLine = NewLine(root);
                var indent = Indentation(Statement!).ToFullString();
                const string Unit = "    ";
                var inner = indent + Unit;
                var token = ForwardedToken ?? string.Empty;

                string work;
                if (Lambda.Block != null)
                {
                    work = string.Concat(Lambda.Block.Statements.Select(statement => Indented(statement, Unit).ToFullString()));
                    if (!work.EndsWith(newLine, System.StringComparison.Ordinal))
                    {
                        work += newLine;
                    }
                }
                else
                {
                    var isAsync = Lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                    work = inner + Unit + (ReturnsValue ? "return " : string.Empty) + (isAsync ? string.Empty : "await ") + Lambda.Body.WithoutTrivia().ToFullString() + ";" + newLine;
                }

                var modifiers = string.Concat(Lambda.Modifiers.Where(m => !m.IsKind(SyntaxKind.AsyncKeyword)).Select(m => m.Text + " "));
                var parameters = Lambda is ParenthesizedLambdaExpressionSyntax parenthesized
                    ? parenthesized.ParameterList.WithoutTrivia().ToFullString()
                    : Parameter.WithoutTrivia().ToFullString();
                var text = modifiers + "async " + parameters + " =>" + newLine
                           + indent + "{" + newLine
                           + inner + $"await {NewName}.WaitAsync({token});" + newLine
                           + inner + "try" + newLine
                           + inner + "{" + newLine
                           + work
                           + inner + "}" + newLine
                           + inner + "finally" + newLine
                           + inner + "{" + newLine
                           + inner + Unit + $"{NewName}.Release();" + newLine
                           + inner + "}" + newLine
                           + indent + "}";
                var lambda = SyntaxFactory.ParseExpression(text) as LambdaExpressionSyntax;
                return lambda == null || lambda.ContainsDiagnostics ? null : lambda.WithTriviaFrom(Lambda);
            }

            /// <summary>Adds one indentation unit at the start of every line of <paramref name="node"/> (string contents are tokens, not trivia, and stay as they are).</summary>
            private static SyntaxNode Indented(SyntaxNode node, string unit)
            {
                var lineStarts = new List<SyntaxTrivia>();
                foreach (var token in node.DescendantTokens())
                {
                    var leading = token.LeadingTrivia;
                    for (var i = 0; i < leading.Count; i++)
                    {
                        if (leading[i].IsKind(SyntaxKind.WhitespaceTrivia) && (i == 0 || leading[i - 1].IsKind(SyntaxKind.EndOfLineTrivia)))
                        {
                            lineStarts.Add(leading[i]);
                        }
                    }
                }

                return node.ReplaceTrivia(lineStarts, (original, _) => SyntaxFactory.Whitespace(original.ToFullString() + unit));
            }

            private StatementSyntax SemaphoreDeclaration()
            {
                var text = (DisposeSemaphore ? "using " : string.Empty)
                           + $"var {NewName} = new {TypePrefix}SemaphoreSlim({Limit.ToString(CultureInfo.InvariantCulture)});";
                return SyntaxFactory.ParseStatement(text);
            }

            private static MemberAccessExpressionSyntax Member(string target, string name) =>
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(target), SyntaxFactory.IdentifierName(name));

            private static bool IsAwaited(InvocationExpressionSyntax join)
            {
                SyntaxNode current = join;
                // await Task.WhenAll(...).ConfigureAwait(false)
                if (current.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } member && member.Parent is InvocationExpressionSyntax configured)
                {
                    current = configured;
                }

                return current.Parent is AwaitExpressionSyntax;
            }

            private static bool IsStatementExpression(CSharpSyntaxNode body) =>
                body is AwaitExpressionSyntax || body is InvocationExpressionSyntax || body is AssignmentExpressionSyntax;

            /// <summary>A CancellationToken parameter or local from outside the lambda that its body already uses.</summary>
            private static string? UsedOuterToken(SemanticModel model, AnonymousFunctionExpressionSyntax lambda, CancellationToken cancellationToken)
            {
                foreach (var identifier in lambda.Body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    if (identifier.Parent is NameColonSyntax)
                    {
                        continue; // cancellationToken: ct names the callee's parameter
                    }

                    var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
                    var type = symbol switch
                    {
                        IParameterSymbol parameter => parameter.Type,
                        ILocalSymbol local => local.Type,
                        _ => null,
                    };
                    if (type?.ToDisplayString() == "System.Threading.CancellationToken"
                        && !symbol!.DeclaringSyntaxReferences.IsEmpty
                        && symbol.DeclaringSyntaxReferences.All(r => !lambda.Span.Contains(r.Span)))
                    {
                        return identifier.Identifier.ValueText;
                    }
                }

                return null;
            }

            /// <summary>The first candidate neither visible at <paramref name="scope"/> nor declared inside the enclosing member.</summary>
            private static string FreeName(SemanticModel model, SyntaxNode scope, string[] candidates, CancellationToken cancellationToken)
            {
                var member = scope.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? scope;
                var used = new HashSet<string>(member.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
                foreach (var candidate in candidates)
                {
                    if (!used.Contains(candidate) && model.LookupSymbols(scope.SpanStart, name: candidate).IsEmpty)
                    {
                        return candidate;
                    }
                }

                var suffix = 2;
                while (used.Contains(candidates[0] + suffix.ToString(CultureInfo.InvariantCulture)))
                {
                    suffix++;
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return candidates[0] + suffix.ToString(CultureInfo.InvariantCulture);
            }

            private static bool Resolves(SemanticModel model, int position, string name, string fullName) =>
                model.LookupNamespacesAndTypes(position, name: name).Any(s => s.ToDisplayString() == fullName);
        }
    }
}
