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
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using PerfTuner.Analyzers;
using PerfTuner.Analyzers.Infrastructure;
using PerfTuner.Analyzers.Rules;

namespace PerfTuner.CodeFixes
{
    /// <summary>
    /// PT0001 fix for <c>new MemoryCache(new MemoryCacheOptions())</c> held in a private field: sets
    /// <c>SizeLimit</c> (option <c>perftuner.PT0001.size_limit</c>, default 10_000) and gives every insert the field
    /// makes <c>Size = 1</c>, because a size-limited MemoryCache throws on entries without a Size. The analyzer offers
    /// it only when it has seen every use of the field (see CacheMemoryCacheInspector.TryFindFixSites); collection
    /// fields get no fix, since the right bound (LRU, TTL, size check) is a design choice.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnboundedCacheCodeFix)), Shared]
    public sealed class UnboundedCacheCodeFix : CodeFixProvider
    {
        internal const string EquivalenceKey = "PT0001.AddSizeLimit";

        private const string EntryOptionsType = "Microsoft.Extensions.Caching.Memory.MemoryCacheEntryOptions";

        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticIds.UnboundedCache);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!TryReadFix(diagnostic, out var sizeLimit, out _))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Set SizeLimit = {FormatLimit(sizeLimit)} and give each entry Size = 1",
                        ct => ApplyAsync(context.Document, diagnostic, ct),
                        EquivalenceKey),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        private static bool TryReadFix(Diagnostic diagnostic, out long sizeLimit, out string[] kinds)
        {
            sizeLimit = 0;
            kinds = new string[0];
            if (!diagnostic.Properties.TryGetValue(UnboundedCacheAnalyzer.SizeLimitProperty, out var limitText)
                || !diagnostic.Properties.TryGetValue(UnboundedCacheAnalyzer.FixSitesProperty, out var sitesText)
                || !long.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out sizeLimit)
                || sizeLimit <= 0
                || diagnostic.AdditionalLocations.Count == 0)
            {
                return false;
            }

            kinds = string.IsNullOrEmpty(sitesText) ? new string[0] : sitesText!.Split(',');
            return kinds.Length == diagnostic.AdditionalLocations.Count - 1;
        }

        private static async Task<Document> ApplyAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || !TryReadFix(diagnostic, out var sizeLimit, out var kinds))
            {
                return document;
            }

            var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
            var endOfLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToFullString();
            endOfLine = endOfLine.Length == 0 ? "\n" : endOfLine;
            var options = Find<BaseObjectCreationExpressionSyntax>(root, diagnostic.AdditionalLocations[0]);
            if (options is null)
            {
                return document;
            }

            editor.ReplaceNode(options, (node, _) => AddInitializer((BaseObjectCreationExpressionSyntax)node, "SizeLimit", LimitLiteral(sizeLimit)));

            for (var i = 0; i < kinds.Length; i++)
            {
                var location = diagnostic.AdditionalLocations[i + 1];
                switch (kinds[i])
                {
                    case CacheMemoryCacheInspector.SiteAppendEntryOptions:
                    case CacheMemoryCacheInspector.SiteRelativeExpiration:
                    case CacheMemoryCacheInspector.SiteAbsoluteExpiration:
                        var invocation = Find<InvocationExpressionSyntax>(root, location);
                        if (invocation != null)
                        {
                            var kind = kinds[i];
                            editor.ReplaceNode(invocation, (node, _) => FixSet((InvocationExpressionSyntax)node, kind));
                        }

                        break;
                    case CacheMemoryCacheInspector.SiteEntryOptionsInitializer:
                        var entryOptions = Find<BaseObjectCreationExpressionSyntax>(root, location);
                        if (entryOptions != null)
                        {
                            editor.ReplaceNode(entryOptions, (node, _) => AddInitializer((BaseObjectCreationExpressionSyntax)node, "Size", One()));
                        }

                        break;
                    case CacheMemoryCacheInspector.SiteFactoryLambda:
                        var lambda = Find<LambdaExpressionSyntax>(root, location);
                        if (lambda != null)
                        {
                            var indentation = LineIndentation(lambda);
                            editor.ReplaceNode(lambda, (node, _) => FixFactory((LambdaExpressionSyntax)node, endOfLine, indentation));
                        }

                        break;
                }
            }

            return editor.GetChangedDocument();
        }

        private static T? Find<T>(SyntaxNode root, Location location)
            where T : SyntaxNode
        {
            if (!root.FullSpan.Contains(location.SourceSpan))
            {
                return null;
            }

            return root.FindNode(location.SourceSpan).DescendantNodesAndSelf().OfType<T>().FirstOrDefault(n => n.Span == location.SourceSpan);
        }

        /// <summary><c>new X()</c> → <c>new X { Name = value }</c>; an existing initializer gets one more member.</summary>
        private static SyntaxNode AddInitializer(BaseObjectCreationExpressionSyntax creation, string name, ExpressionSyntax value)
        {
            var assignment = SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName(name), value);
            if (creation.Initializer is null)
            {
                var initializer = SyntaxFactory.InitializerExpression(
                    SyntaxKind.ObjectInitializerExpression,
                    SyntaxFactory.SeparatedList<ExpressionSyntax>(new[] { assignment }));
                if (creation is ObjectCreationExpressionSyntax explicitCreation && explicitCreation.ArgumentList?.Arguments.Count == 0)
                {
                    // new MemoryCacheOptions() { ... } reads worse than new MemoryCacheOptions { ... }
                    return explicitCreation
                        .WithArgumentList(null)
                        .WithType(explicitCreation.Type.WithoutTrailingTrivia())
                        .WithInitializer(initializer)
                        .WithTrailingTrivia(explicitCreation.GetTrailingTrivia())
                        .WithAdditionalAnnotations(Formatter.Annotation);
                }

                return creation.WithInitializer(initializer).WithAdditionalAnnotations(Formatter.Annotation);
            }

            return creation.WithInitializer(creation.Initializer.AddExpressions(assignment)).WithAdditionalAnnotations(Formatter.Annotation);
        }

        /// <summary>
        /// <c>Set(key, value)</c> → <c>Set(key, value, new MemoryCacheEntryOptions { Size = 1 })</c>;
        /// <c>Set(key, value, ttl)</c> → the same options object carrying the expiration.
        /// </summary>
        private static SyntaxNode FixSet(InvocationExpressionSyntax invocation, string kind)
        {
            var arguments = invocation.ArgumentList.Arguments;
            var sized = SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName("Size"), One());
            if (kind == CacheMemoryCacheInspector.SiteAppendEntryOptions)
            {
                var entryOptions = NewEntryOptions(sized);
                return invocation.WithArgumentList(invocation.ArgumentList.AddArguments(SyntaxFactory.Argument(entryOptions)));
            }

            // The expiration is the last argument (the analyzer only offers the fix for the 3/4-argument overloads).
            var expiration = arguments.Last();
            var property = kind == CacheMemoryCacheInspector.SiteRelativeExpiration ? "AbsoluteExpirationRelativeToNow" : "AbsoluteExpiration";
            var expires = SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName(property), expiration.Expression.WithoutTrivia());
            var replacement = SyntaxFactory.Argument(NewEntryOptions(expires, sized)).WithTriviaFrom(expiration);
            if (expiration.NameColon != null)
            {
                replacement = replacement.WithNameColon(SyntaxFactory.NameColon("options"));
            }

            return invocation.WithArgumentList(invocation.ArgumentList.WithArguments(arguments.Replace(expiration, replacement)));
        }

        /// <summary><c>entry => Compute()</c> → <c>entry => { entry.Size = 1; return Compute(); }</c>.</summary>
        /// <summary>The leading whitespace of the line a node starts on.</summary>
        private static string LineIndentation(SyntaxNode node)
        {
            var text = node.SyntaxTree.GetText();
            var line = text.Lines.GetLineFromPosition(node.SpanStart).ToString();
            return line.Substring(0, line.Length - line.TrimStart().Length);
        }

        private static SyntaxNode FixFactory(LambdaExpressionSyntax lambda, string endOfLine, string indentation)
        {
            var parameter = lambda is SimpleLambdaExpressionSyntax simple
                ? simple.Parameter.Identifier.ValueText
                : ((ParenthesizedLambdaExpressionSyntax)lambda).ParameterList.Parameters[0].Identifier.ValueText;
            var setSize = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, SyntaxFactory.IdentifierName(parameter), SyntaxFactory.IdentifierName("Size")),
                One()));

            if (lambda.Block != null)
            {
                return lambda.WithBlock(lambda.Block.WithStatements(
                    lambda.Block.Statements.Insert(0, setSize.WithTrailingTrivia(SyntaxFactory.EndOfLine(endOfLine)).WithAdditionalAnnotations(Formatter.Annotation))));
            }

            if (lambda.ExpressionBody is null)
            {
                return lambda;
            }

            // The block is laid out by hand (brace under the statement, body one level in): the formatter keeps
            // lambda blocks on one line when it is given the choice.
            var inner = indentation + (indentation.StartsWith("\t", System.StringComparison.Ordinal) ? "\t" : "    ");
            var eol = SyntaxFactory.EndOfLine(endOfLine);
            var body = SyntaxFactory.Block(
                    SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(eol, SyntaxFactory.Whitespace(indentation)).WithTrailingTrivia(eol),
                    SyntaxFactory.List(new StatementSyntax[]
                    {
                        setSize.NormalizeWhitespace().WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(eol),
                        SyntaxFactory.ReturnStatement(
                                SyntaxFactory.Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(SyntaxFactory.Space),
                                lambda.ExpressionBody.WithoutTrivia(),
                                SyntaxFactory.Token(SyntaxKind.SemicolonToken))
                            .WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(eol),
                    }),
                    SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)))
                .WithTrailingTrivia(lambda.ExpressionBody.GetTrailingTrivia());
            return lambda.WithExpressionBody(null).WithBlock(body).WithArrowToken(lambda.ArrowToken.WithTrailingTrivia());
        }

        private static ObjectCreationExpressionSyntax NewEntryOptions(params ExpressionSyntax[] assignments) =>
            SyntaxFactory.ObjectCreationExpression(SyntaxFactory.ParseTypeName(EntryOptionsType).WithAdditionalAnnotations(Simplifier.Annotation))
                .WithArgumentList(null)
                .WithInitializer(SyntaxFactory.InitializerExpression(SyntaxKind.ObjectInitializerExpression, SyntaxFactory.SeparatedList(assignments)))
                .WithAdditionalAnnotations(Formatter.Annotation);

        private static LiteralExpressionSyntax One() =>
            SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(1));

        private static LiteralExpressionSyntax LimitLiteral(long value) =>
            SyntaxFactory.LiteralExpression(
                SyntaxKind.NumericLiteralExpression,
                value <= int.MaxValue ? SyntaxFactory.Literal(FormatLimit(value), (int)value) : SyntaxFactory.Literal(FormatLimit(value) + "L", value));

        /// <summary>10000 → "10_000": digit separators keep the limit readable.</summary>
        private static string FormatLimit(long value)
        {
            var digits = value.ToString(CultureInfo.InvariantCulture);
            if (digits.Length < 5)
            {
                return digits;
            }

            var builder = new System.Text.StringBuilder();
            for (var i = 0; i < digits.Length; i++)
            {
                if (i > 0 && (digits.Length - i) % 3 == 0)
                {
                    builder.Append('_');
                }

                builder.Append(digits[i]);
            }

            return builder.ToString();
        }
    }
}
