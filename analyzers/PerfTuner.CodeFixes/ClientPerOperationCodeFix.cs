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
using PerfTuner.Analyzers;
using PerfTuner.Analyzers.Rules;

namespace PerfTuner.CodeFixes
{
    /// <summary>
    /// PT0004 fix: move a client built from constants to a <c>private static readonly</c> field of the containing
    /// type and use that field instead; the using/Dispose that ended the per-call instance goes away. In Fix All,
    /// identical creations in one type share one field.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ClientPerOperationCodeFix))]
    [Shared]
    public sealed class ClientPerOperationCodeFix : CodeFixProvider
    {
        internal const string Title = "Create it once in a static readonly field";

        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ClientPerOperation);

        public override FixAllProvider GetFixAllProvider() =>
            FixAllProvider.Create((context, document, diagnostics) => HoistAsync(document, diagnostics, context.CancellationToken));

        public override Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.ContainsKey(ClientPerOperationAnalyzer.HoistableProperty))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => HoistAsync(context.Document, ImmutableArray.Create(diagnostic), ct)!, equivalenceKey: Title),
                    diagnostic);
            }

            return Task.CompletedTask;
        }

        private static async Task<Document?> HoistAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root == null || model == null)
            {
                return document;
            }

            var plans = new List<HoistPlan>();
            var fieldsByType = new Dictionary<TypeDeclarationSyntax, List<NewField>>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                if (!diagnostic.Properties.ContainsKey(ClientPerOperationAnalyzer.HoistableProperty))
                {
                    continue;
                }

                var plan = Plan(root, model, diagnostic, cancellationToken);
                if (plan == null)
                {
                    continue;
                }

                if (!fieldsByType.TryGetValue(plan.Type, out var fields))
                {
                    fields = new List<NewField>();
                    fieldsByType.Add(plan.Type, fields);
                }

                plan.FieldName = ChooseField(plan, fields, model, cancellationToken);
                plans.Add(plan);
            }

            if (plans.Count == 0)
            {
                return document;
            }

            var newRoot = Apply(root, plans, fieldsByType, NewLine(root));
            return await Formatter.FormatAsync(document.WithSyntaxRoot(newRoot), Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Works out what to replace and remove for one diagnostic, or null when the shape is not one we can rewrite safely.</summary>
        private static HoistPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var creation = node.AncestorsAndSelf().OfType<ExpressionSyntax>()
                .FirstOrDefault(e => e.Span == diagnostic.Location.SourceSpan
                                     && (e is BaseObjectCreationExpressionSyntax || e is InvocationExpressionSyntax));
            var type = creation?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            var member = creation?.FirstAncestorOrSelf<MemberDeclarationSyntax>();
            var createdType = creation == null ? null : model.GetTypeInfo(creation, cancellationToken).Type;
            if (creation == null || type == null || member == null || createdType == null
                || !(type is ClassDeclarationSyntax || type is StructDeclarationSyntax || type is RecordDeclarationSyntax))
            {
                return null;
            }

            var plan = new HoistPlan(type, creation, createdType.ToMinimalDisplayString(model, creation.SpanStart));

            // Inline: new HttpClient().GetStringAsync(url)
            if (creation.Parent is MemberAccessExpressionSyntax access && access.Expression == creation)
            {
                plan.BaseName = "Shared" + createdType.Name;
                plan.InlineCreation = creation;
                return plan;
            }

            // Local: [using] var client = new QdrantClient(...);  or  using (var client = new ...) { ... }
            if (!(creation.Parent is EqualsValueClauseSyntax equals)
                || !(equals.Parent is VariableDeclaratorSyntax declarator)
                || !(declarator.Parent is VariableDeclarationSyntax declaration)
                || declaration.Variables.Count != 1
                || !(model.GetDeclaredSymbol(declarator, cancellationToken) is ILocalSymbol local))
            {
                return null;
            }

            if (declaration.Parent is LocalDeclarationStatementSyntax statement)
            {
                plan.RemovedStatements.Add(statement);
            }
            else if (declaration.Parent is UsingStatementSyntax usingStatement)
            {
                plan.UnwrappedUsing = usingStatement;
            }
            else
            {
                return null;
            }

            foreach (var identifier in member.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText != local.Name
                    || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, local))
                {
                    continue;
                }

                if (identifier.Parent is AssignmentExpressionSyntax assignment && assignment.Left == identifier)
                {
                    return null; // reassigned: not a single instance
                }

                var disposal = DisposalStatement(identifier);
                if (disposal != null)
                {
                    plan.RemovedStatements.Add(disposal);
                }
                else
                {
                    plan.References.Add(identifier);
                }
            }

            plan.BaseName = Pascal(local.Name, createdType.Name);
            return plan;
        }

        /// <summary><c>client.Dispose();</c> or <c>await client.DisposeAsync();</c> as a whole statement.</summary>
        private static StatementSyntax? DisposalStatement(IdentifierNameSyntax identifier)
        {
            if (identifier.Parent is MemberAccessExpressionSyntax access
                && access.Expression == identifier
                && (access.Name.Identifier.ValueText == "Dispose" || access.Name.Identifier.ValueText == "DisposeAsync")
                && access.Parent is InvocationExpressionSyntax invocation
                && invocation.ArgumentList.Arguments.Count == 0)
            {
                SyntaxNode expression = invocation.Parent is AwaitExpressionSyntax awaited ? awaited : invocation;
                return expression.Parent as ExpressionStatementSyntax;
            }

            return null;
        }

        /// <summary>Reuses a field planned for an identical creation in the same type, else picks a free name.</summary>
        private static string ChooseField(HoistPlan plan, List<NewField> fields, SemanticModel model, CancellationToken cancellationToken)
        {
            var initializer = plan.Creation.WithoutTrivia().ToString();
            foreach (var existing in fields)
            {
                if (existing.TypeText == plan.TypeText && existing.Initializer == initializer)
                {
                    return existing.Name;
                }
            }

            // A static readonly field with the same initializer already exists (an earlier fix, or written by hand).
            foreach (var field in plan.Type.Members.OfType<FieldDeclarationSyntax>())
            {
                if (IsStaticReadonly(field)
                    && field.Declaration.Variables.Count == 1
                    && field.Declaration.Variables[0].Initializer?.Value.WithoutTrivia().ToString() == initializer
                    && model.GetTypeInfo(field.Declaration.Type, cancellationToken).Type?.ToMinimalDisplayString(model, plan.Creation.SpanStart) == plan.TypeText)
                {
                    return field.Declaration.Variables[0].Identifier.ValueText;
                }
            }

            var taken = new HashSet<string>(fields.Select(f => f.Name));
            if (model.GetDeclaredSymbol(plan.Type, cancellationToken) is INamedTypeSymbol typeSymbol)
            {
                taken.UnionWith(typeSymbol.MemberNames);
                taken.Add(typeSymbol.Name);
            }

            var name = plan.BaseName;
            for (var i = 2; taken.Contains(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None; i++)
            {
                name = plan.BaseName + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            fields.Add(new NewField(name, plan.TypeText, initializer));
            return name;
        }

        private static SyntaxNode Apply(SyntaxNode root, List<HoistPlan> plans, Dictionary<TypeDeclarationSyntax, List<NewField>> fieldsByType, string newLine)
        {
            var tracked = new List<SyntaxNode>();
            tracked.AddRange(fieldsByType.Keys);
            foreach (var plan in plans)
            {
                tracked.AddRange(plan.References);
                tracked.AddRange(plan.RemovedStatements);
                if (plan.InlineCreation != null)
                {
                    tracked.Add(plan.InlineCreation);
                }

                if (plan.UnwrappedUsing != null)
                {
                    tracked.Add(plan.UnwrappedUsing);
                }
            }

            var current = root.TrackNodes(tracked);

            // 1. Every use of the local (and the inline creation) now reads the field.
            var replacements = new Dictionary<SyntaxNode, string>();
            foreach (var plan in plans)
            {
                foreach (var reference in plan.References)
                {
                    replacements[reference] = plan.FieldName;
                }

                if (plan.InlineCreation != null)
                {
                    replacements[plan.InlineCreation] = plan.FieldName;
                }
            }

            var currentToName = new Dictionary<SyntaxNode, string>();
            foreach (var pair in replacements)
            {
                var node = current.GetCurrentNode(pair.Key);
                if (node != null)
                {
                    currentToName[node] = pair.Value;
                }
            }

            current = current.ReplaceNodes(currentToName.Keys, (original, _) =>
                SyntaxFactory.IdentifierName(currentToName[original]).WithTriviaFrom(original));

            // 2. The declaration and the Dispose calls go away; a using statement keeps its body.
            foreach (var plan in plans)
            {
                foreach (var statement in plan.RemovedStatements)
                {
                    current = RemoveStatement(current, statement);
                }

                if (plan.UnwrappedUsing != null)
                {
                    current = Unwrap(current, plan.UnwrappedUsing);
                }
            }

            // 3. One field per distinct creation at the top of its type.
            foreach (var pair in fieldsByType)
            {
                var type = current.GetCurrentNode(pair.Key);
                if (type == null)
                {
                    continue;
                }

                // After the static readonly fields already at the top, so repeated fixes keep source order.
                var members = type.Members;
                var index = 0;
                while (index < members.Count && members[index] is FieldDeclarationSyntax existing && IsStaticReadonly(existing))
                {
                    index++;
                }

                var needsBlankLine = index < members.Count
                    && !(members[index] is FieldDeclarationSyntax)
                    && !members[index].GetLeadingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
                var fields = new List<MemberDeclarationSyntax>();
                for (var i = 0; i < pair.Value.Count; i++)
                {
                    var field = pair.Value[i];
                    var declaration = (MemberDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration(
                        "private static readonly " + field.TypeText + " " + field.Name + " = " + field.Initializer + ";")!;
                    var trailing = i == pair.Value.Count - 1 && needsBlankLine ? newLine + newLine : newLine;
                    fields.Add(declaration
                        .WithLeadingTrivia(SyntaxFactory.ElasticMarker)
                        .WithTrailingTrivia(SyntaxFactory.EndOfLine(trailing))
                        .WithAdditionalAnnotations(Formatter.Annotation));
                }

                if (index > 0 && members[index - 1].GetTrailingTrivia().All(t => t.IsKind(SyntaxKind.EndOfLineTrivia) || t.IsKind(SyntaxKind.WhitespaceTrivia)))
                {
                    // The blank line that closed the field block moves below the new fields.
                    members = members.Replace(members[index - 1], members[index - 1].WithTrailingTrivia(SyntaxFactory.EndOfLine(newLine)));
                }

                current = current.ReplaceNode(type, type.WithMembers(members.InsertRange(index, fields)));
            }

            return current;
        }

        private static bool IsStaticReadonly(FieldDeclarationSyntax field) =>
            field.Modifiers.Any(SyntaxKind.StaticKeyword) && field.Modifiers.Any(SyntaxKind.ReadOnlyKeyword);

        private static SyntaxNode RemoveStatement(SyntaxNode root, StatementSyntax original)
        {
            var statement = root.GetCurrentNode(original);
            if (statement == null)
            {
                return root;
            }

            // try { ... } finally { client.Dispose(); } without catch: the try has nothing left to guard.
            if (statement.Parent is BlockSyntax finallyBlock
                && finallyBlock.Statements.Count == 1
                && finallyBlock.Parent is FinallyClauseSyntax finallyClause
                && finallyClause.Parent is TryStatementSyntax tryStatement
                && tryStatement.Catches.Count == 0
                && (tryStatement.Parent is BlockSyntax || tryStatement.Parent is SwitchSectionSyntax))
            {
                return root.ReplaceNode(tryStatement, tryStatement.Block.Statements.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)));
            }

            return root.RemoveNode(statement, SyntaxRemoveOptions.KeepNoTrivia) ?? root;
        }

        private static SyntaxNode Unwrap(SyntaxNode root, UsingStatementSyntax original)
        {
            var usingStatement = root.GetCurrentNode(original);
            if (usingStatement == null)
            {
                return root;
            }

            if (usingStatement.Parent is BlockSyntax || usingStatement.Parent is SwitchSectionSyntax)
            {
                var body = usingStatement.Statement is BlockSyntax block
                    ? (IEnumerable<StatementSyntax>)block.Statements
                    : new[] { usingStatement.Statement };
                return root.ReplaceNode(usingStatement, body.Select(s => s.WithAdditionalAnnotations(Formatter.Annotation)));
            }

            return root.ReplaceNode(usingStatement, usingStatement.Statement.WithTriviaFrom(usingStatement).WithAdditionalAnnotations(Formatter.Annotation));
        }

        /// <summary>client → Client; a name equal to its type (httpClient → HttpClient) gets a "Shared" prefix.</summary>
        private static string Pascal(string localName, string typeName)
        {
            var trimmed = localName.TrimStart('_', '@');
            if (trimmed.Length == 0)
            {
                return "Shared" + typeName;
            }

            var pascal = char.ToUpperInvariant(trimmed[0]) + trimmed.Substring(1);
            return pascal == typeName ? "Shared" + typeName : pascal;
        }

        private static string NewLine(SyntaxNode root) =>
            root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)).ToString() is string eol && eol.Length > 0 ? eol : "\n";

        private sealed class HoistPlan
        {
            internal HoistPlan(TypeDeclarationSyntax type, ExpressionSyntax creation, string typeText)
            {
                Type = type;
                Creation = creation;
                TypeText = typeText;
            }

            internal TypeDeclarationSyntax Type { get; }

            internal ExpressionSyntax Creation { get; }

            internal string TypeText { get; }

            internal string BaseName { get; set; } = "SharedClient";

            internal string FieldName { get; set; } = "SharedClient";

            internal ExpressionSyntax? InlineCreation { get; set; }

            internal UsingStatementSyntax? UnwrappedUsing { get; set; }

            internal List<IdentifierNameSyntax> References { get; } = new List<IdentifierNameSyntax>();

            internal List<StatementSyntax> RemovedStatements { get; } = new List<StatementSyntax>();
        }

        private sealed class NewField
        {
            internal NewField(string name, string typeText, string initializer)
            {
                Name = name;
                TypeText = typeText;
                Initializer = initializer;
            }

            internal string Name { get; }

            internal string TypeText { get; }

            internal string Initializer { get; }
        }
    }
}
