using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// Finds the operations a rule looks at without registering operation actions. One operation action, even one that
    /// does nothing, makes the driver build the operation tree of every method body in the compilation: measured on the
    /// 50,000-line benchmark corpus, that alone costs 6–10 % of the analyzer-free compile, above the 5 % budget for all
    /// five rules. (In a compile the bodies themselves come bound: the compiler leaves each bound body in the driver's
    /// shared semantic model. The operation tree, built whole for a member on its first GetOperation, is what costs;
    /// see SemanticQueryCostBenchmarks.) Here a rule asks only for the members whose source spells one of its
    /// <see cref="SourceWords"/>, through that shared model, and walks their operation trees itself: the same
    /// operations the driver would have handed it, with the same owning symbols.
    /// </summary>
    internal static class SourceOperations
    {
        /// <summary>
        /// Calls <paramref name="visit"/> for every operation of the given kinds in the members of the context's tree
        /// that mention a word: a semantic-model action's replacement for compilation-wide operation actions.
        /// </summary>
        internal static void ForEach(SemanticModelAnalysisContext context, SourceWords words, Action<OperationSite> visit, params OperationKind[] kinds) =>
            ForEach(context, words, wordToken: null, mayReport: null, visit, kinds);

        /// <summary>
        /// <see cref="ForEach(SemanticModelAnalysisContext, SourceWords, Action{OperationSite}, OperationKind[])"/> with
        /// two syntax tests before a member is bound: <paramref name="wordToken"/> on the token at each place a word was
        /// found (a word in a comment or a string, or an identifier the rule does not want there, then does not count),
        /// and <paramref name="mayReport"/> on the member itself (see <see cref="MayCreateObjects"/>).
        /// </summary>
        internal static void ForEach(
            SemanticModelAnalysisContext context,
            SourceWords words,
            Func<SyntaxToken, bool>? wordToken,
            Func<SyntaxNode, bool>? mayReport,
            Action<OperationSite> visit,
            params OperationKind[] kinds)
        {
            var model = context.SemanticModel;
            var ct = context.CancellationToken;
            var compilation = model.Compilation;
            Action<Diagnostic> report = context.ReportDiagnostic; // one delegate (and one box of the context), not one per operation
            foreach (var member in MembersMentioning(model.SyntaxTree, words, ct, wordToken))
            {
                if (mayReport != null && !mayReport(member))
                {
                    continue;
                }

                foreach (var (root, owner) in Blocks(model, member, ct))
                {
                    foreach (var operation in root.DescendantsAndSelf())
                    {
                        if (Array.IndexOf(kinds, operation.Kind) >= 0)
                        {
                            visit(new OperationSite(operation, owner, compilation, context.Options, report, ct));
                        }
                    }
                }
            }
        }

        /// <summary>
        /// The types whose first declaration is in the model's tree (a partial type is visited once, from its first
        /// file), the top-level statements' Program included: for a semantic-model action that analyses whole types.
        /// <paramref name="mayMatter"/> rules a declaration out from its syntax alone, before any symbol is asked for;
        /// a partial declaration always passes (another part may hold what it looks for).
        /// </summary>
        internal static IEnumerable<INamedTypeSymbol> TypesDeclaredIn(SemanticModel model, CancellationToken cancellationToken, Func<TypeDeclarationSyntax, bool>? mayMatter = null)
        {
            var root = model.SyntaxTree.GetRoot(cancellationToken);
            foreach (var node in root.DescendantNodes(n => n is CompilationUnitSyntax || n is BaseNamespaceDeclarationSyntax || n is TypeDeclarationSyntax))
            {
                INamedTypeSymbol? type = null;
                if (node is TypeDeclarationSyntax declaration)
                {
                    if (mayMatter != null && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword) && !mayMatter(declaration))
                    {
                        continue;
                    }

                    type = model.GetDeclaredSymbol(declaration, cancellationToken) as INamedTypeSymbol;
                }
                else if (node is GlobalStatementSyntax statement && statement == root.ChildNodes().OfType<GlobalStatementSyntax>().First())
                {
                    type = model.GetEnclosingSymbol(statement.Statement.SpanStart, cancellationToken)?.ContainingType;
                }

                if (type != null && IsFirstDeclaration(type, node is GlobalStatementSyntax ? root : node))
                {
                    yield return type;
                }
            }
        }

        private static bool IsFirstDeclaration(INamedTypeSymbol type, SyntaxNode declaration)
        {
            var references = type.DeclaringSyntaxReferences;
            return !references.IsEmpty && references[0].SyntaxTree == declaration.SyntaxTree && references[0].Span == declaration.Span;
        }

        /// <summary>
        /// The operation blocks of a type's own members (methods, accessors, constructors, field and property
        /// initializers, a primary constructor; not those of nested types) in every partial declaration, by owning
        /// symbol: what the driver gives a symbol-start scope of the type. <paramref name="model"/> is the model of
        /// the tree being analysed (<see cref="TypesDeclaredIn"/>). With <paramref name="words"/>, members whose
        /// source spells none of them are left out. So is a member for which <paramref name="readFromSyntax"/> (given
        /// the declaration and its tree's text, when words were given) is true: the caller has read what it needs from
        /// its syntax. (Field initializers are the one kind of block the compiler does not hand the driver already
        /// bound, so each costs two to three times what a method body does.)
        /// </summary>
        internal static IEnumerable<(ImmutableArray<IOperation> Blocks, ISymbol Owner)> OfType(
            INamedTypeSymbol type,
            SemanticModel model,
            CancellationToken cancellationToken,
            SourceWords? words = null,
            Func<MemberDeclarationSyntax, string?, bool>? readFromSyntax = null)
        {
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                var syntax = reference.GetSyntax(cancellationToken);
                var treeModel = model;
                if (syntax.SyntaxTree != model.SyntaxTree)
                {
                    // Another file of a partial type (rare): RS1030 guards against a fresh model; inside the driver,
                    // Compilation.GetSemanticModel returns the driver's cached model of that tree when it has one.
#pragma warning disable RS1030
                    treeModel = model.Compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
                }

                if (syntax is CompilationUnitSyntax unit)
                {
                    // The top-level statements' Program: its one block is the statements of that file.
                    foreach (var block in Group(Blocks(treeModel, unit, cancellationToken)))
                    {
                        yield return block;
                    }

                    continue;
                }

                if (!(syntax is TypeDeclarationSyntax declaration))
                {
                    continue;
                }

                var text = words is null ? null : syntax.SyntaxTree.GetText(cancellationToken).ToString();
                var header = Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(
                    declaration.SpanStart, declaration.OpenBraceToken.IsMissing ? declaration.Span.End : declaration.OpenBraceToken.SpanStart);
                if (declaration.ParameterList != null && (text is null || words!.Mentions(text, header)))
                {
                    // The primary constructor's code is in the header (its base-type arguments).
                    foreach (var block in Group(Blocks(treeModel, declaration, cancellationToken)))
                    {
                        yield return block;
                    }
                }

                foreach (var member in declaration.Members)
                {
                    if (member is BaseTypeDeclarationSyntax || member is DelegateDeclarationSyntax)
                    {
                        continue;
                    }

                    if ((text != null && !MentionsOutsideOwnName(words!, text, member))
                        || (readFromSyntax != null && readFromSyntax(member, text)))
                    {
                        continue;
                    }

                    foreach (var block in Group(Blocks(treeModel, member, cancellationToken)))
                    {
                        yield return block;
                    }
                }
            }
        }

        /// <summary>
        /// Whether the member's text spells a word anywhere but in a method's own name: a declaration is not a use, and
        /// no operation of the method comes from its name (a private method is not bound just for being one).
        /// </summary>
        private static bool MentionsOutsideOwnName(SourceWords words, string text, MemberDeclarationSyntax member) =>
            member is MethodDeclarationSyntax method
                ? MentionsOutside(words, text, member.Span, method.Identifier.Span)
                : words.Mentions(text, member.Span);

        /// <summary>Whether a field declaration spells a word anywhere but in the names of its own variables.</summary>
        internal static bool MentionsOutsideVariableNames(SourceWords words, string text, BaseFieldDeclarationSyntax field)
        {
            var start = field.SpanStart;
            foreach (var variable in field.Declaration.Variables)
            {
                if (words.Mentions(text, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, variable.Identifier.SpanStart)))
                {
                    return true;
                }

                start = variable.Identifier.Span.End;
            }

            return words.Mentions(text, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(start, field.Span.End));
        }

        private static bool MentionsOutside(SourceWords words, string text, Microsoft.CodeAnalysis.Text.TextSpan span, Microsoft.CodeAnalysis.Text.TextSpan name) =>
            words.Mentions(text, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(span.Start, name.Start))
            || words.Mentions(text, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(name.End, span.End));

        /// <summary>
        /// The members of a tree that contain a word: declarations directly inside a type, the top-level statements
        /// (as their compilation unit) and a type declaration itself when the word is in its primary-constructor header.
        /// </summary>
        internal static IEnumerable<SyntaxNode> MembersMentioning(SyntaxTree tree, SourceWords words, CancellationToken cancellationToken, Func<SyntaxToken, bool>? wordToken = null)
        {
            var root = tree.GetRoot(cancellationToken);
            if (words.MatchesEverything)
            {
                return AllMembers(root);
            }

            var text = tree.GetText(cancellationToken).ToString();
            var members = new HashSet<SyntaxNode>();
            foreach (var position in words.Positions(text))
            {
                if (position >= root.FullSpan.End)
                {
                    continue;
                }

                var token = root.FindToken(position);
                if (wordToken != null && !wordToken(token))
                {
                    continue;
                }

                var member = MemberOf(token);
                if (member != null)
                {
                    members.Add(member);
                }
            }

            return members.OrderBy(m => m.SpanStart);
        }

        private static SyntaxNode? MemberOf(SyntaxToken token)
        {
            for (var node = token.Parent; node != null; node = node.Parent)
            {
                switch (node)
                {
                    case GlobalStatementSyntax _:
                        return node.Parent;
                    case TypeDeclarationSyntax type:
                        return type.ParameterList != null ? type : null; // header of a type: only a primary constructor has code
                    case BaseTypeDeclarationSyntax _:
                    case BaseNamespaceDeclarationSyntax _:
                    case CompilationUnitSyntax _:
                        return null;
                    case MemberDeclarationSyntax member when member.Parent is TypeDeclarationSyntax:
                        return member;
                }
            }

            return null;
        }

        private static IEnumerable<SyntaxNode> AllMembers(SyntaxNode root)
        {
            var hasGlobalStatements = false;
            foreach (var node in root.DescendantNodes(n => n is CompilationUnitSyntax || n is BaseNamespaceDeclarationSyntax || n is TypeDeclarationSyntax))
            {
                switch (node)
                {
                    case GlobalStatementSyntax _:
                        hasGlobalStatements = true;
                        break;
                    case TypeDeclarationSyntax type when type.ParameterList != null:
                        yield return type;
                        break;
                    case BaseTypeDeclarationSyntax _:
                    case BaseNamespaceDeclarationSyntax _:
                    case DelegateDeclarationSyntax _:
                        break;
                    case MemberDeclarationSyntax member when member.Parent is TypeDeclarationSyntax:
                        yield return member;
                        break;
                }
            }

            if (hasGlobalStatements)
            {
                yield return root;
            }
        }

        /// <summary>The operation blocks of one member with their owning symbols, as the driver builds them.</summary>
        internal static IEnumerable<(IOperation Root, ISymbol Owner)> Blocks(SemanticModel model, SyntaxNode member, CancellationToken cancellationToken)
        {
            switch (member)
            {
                case CompilationUnitSyntax unit:
                    var firstStatement = unit.Members.OfType<GlobalStatementSyntax>().FirstOrDefault();
                    if (firstStatement != null)
                    {
                        var entryPoint = model.GetEnclosingSymbol(firstStatement.Statement.SpanStart, cancellationToken);
                        if (Operation(model, unit, cancellationToken) is IOperation body && entryPoint != null)
                        {
                            yield return (body, entryPoint);
                        }
                    }

                    break;

                case TypeDeclarationSyntax type:
                    // C# 12 / record primary constructor: its base-type arguments are its code.
                    var constructor = PrimaryConstructor(model, type, cancellationToken);
                    if (constructor != null && Operation(model, type, cancellationToken) is IOperation primary)
                    {
                        yield return (primary, constructor);
                    }

                    break;

                case BaseMethodDeclarationSyntax method:
                    if (model.GetDeclaredSymbol(method, cancellationToken) is ISymbol methodSymbol && Operation(model, method, cancellationToken) is IOperation methodBody)
                    {
                        yield return (methodBody, methodSymbol);
                    }

                    break;

                case BasePropertyDeclarationSyntax property:
                    var propertySymbol = model.GetDeclaredSymbol(property, cancellationToken);
                    if (propertySymbol == null)
                    {
                        break;
                    }

                    if (property.AccessorList != null)
                    {
                        foreach (var accessor in property.AccessorList.Accessors)
                        {
                            if (model.GetDeclaredSymbol(accessor, cancellationToken) is ISymbol accessorSymbol && Operation(model, accessor, cancellationToken) is IOperation accessorBody)
                            {
                                yield return (accessorBody, accessorSymbol);
                            }
                        }
                    }

                    var expressionBody = property switch
                    {
                        PropertyDeclarationSyntax p => p.ExpressionBody,
                        IndexerDeclarationSyntax i => i.ExpressionBody,
                        _ => null,
                    };
                    if (expressionBody != null && Operation(model, expressionBody, cancellationToken) is IOperation expression)
                    {
                        yield return (expression, propertySymbol);
                    }

                    if (property is PropertyDeclarationSyntax { Initializer: { } initializer } && Operation(model, initializer, cancellationToken) is IOperation propertyInitializer)
                    {
                        yield return (propertyInitializer, propertySymbol);
                    }

                    break;

                case BaseFieldDeclarationSyntax field:
                    foreach (var variable in field.Declaration.Variables)
                    {
                        if (variable.Initializer != null
                            && model.GetDeclaredSymbol(variable, cancellationToken) is ISymbol fieldSymbol
                            && Operation(model, variable.Initializer, cancellationToken) is IOperation fieldInitializer)
                        {
                            yield return (fieldInitializer, fieldSymbol);
                        }
                    }

                    break;
            }
        }

        /// <summary>
        /// Whether a member (as <see cref="MembersMentioning"/> returns it) has a <c>new</c> keyword in its code: every
        /// object creation does, and C# cannot escape a keyword. A primary constructor's code is its base-type list.
        /// </summary>
        internal static bool MayCreateObjects(SyntaxNode member) => HasToken(member, SyntaxKind.NewKeyword, identifier: null);

        /// <summary>Whether the member's code has the keyword or an identifier whose value (escapes resolved) is the name.</summary>
        internal static bool HasToken(SyntaxNode member, SyntaxKind keyword, string? identifier)
        {
            foreach (var token in CodeTokens(member))
            {
                if (token.IsKind(keyword) || (identifier != null && token.IsKind(SyntaxKind.IdentifierToken) && token.ValueText == identifier))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The tokens of a member's code (as <see cref="MembersMentioning"/> returns it): a primary constructor's is its base-type list.</summary>
        internal static IEnumerable<SyntaxToken> CodeTokens(SyntaxNode member)
        {
            var code = member is TypeDeclarationSyntax type ? type.BaseList : member;
            return code is null ? Enumerable.Empty<SyntaxToken>() : code.DescendantTokens();
        }

        private static IOperation? Operation(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken) =>
            model.GetOperation(node, cancellationToken);

        private static IMethodSymbol? PrimaryConstructor(SemanticModel model, TypeDeclarationSyntax type, CancellationToken cancellationToken)
        {
            if (type.ParameterList == null || !(model.GetDeclaredSymbol(type, cancellationToken) is INamedTypeSymbol symbol))
            {
                return null;
            }

            foreach (var constructor in symbol.InstanceConstructors)
            {
                foreach (var reference in constructor.DeclaringSyntaxReferences)
                {
                    if (reference.SyntaxTree == type.SyntaxTree && reference.Span == type.Span)
                    {
                        return constructor;
                    }
                }
            }

            return null;
        }

        private static IEnumerable<(ImmutableArray<IOperation> Blocks, ISymbol Owner)> Group(IEnumerable<(IOperation Root, ISymbol Owner)> blocks) =>
            blocks
                .GroupBy(b => b.Owner, SymbolEqualityComparer.Default)
                .Select(g => (g.Select(b => b.Root).ToImmutableArray(), g.Key!));
    }
}
