using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// What PT0004 can tell from syntax before a member is bound: whether each client it could create leaves the
    /// member. <see cref="ClientFlow.Follow"/> calls a returned creation, or one handed to a call, Escapes (or Wrapped),
    /// and the rule never reports those; a member holding no other creation (a factory, a Lazy holder) need not be
    /// bound. Only shapes whose verdict cannot depend on symbols count; anything else is bound and judged as usual.
    /// </summary>
    internal static class ClientPerOperationSyntax
    {
        /// <summary>
        /// True when every object creation and <c>ForAddress</c> call in <paramref name="code"/> is returned or passed on
        /// (vacuously true when there is none: the rule judges nothing else). In a field declaration only those inside
        /// a lambda or anonymous method count: the initializer itself runs once, and the rule never judges it.
        /// </summary>
        internal static bool EveryCreationLeaves(SyntaxNode code)
        {
            var onlyInFunctions = code is BaseFieldDeclarationSyntax;
            foreach (var node in code.DescendantNodes())
            {
                if ((node is BaseObjectCreationExpressionSyntax || IsForAddressCall(node))
                    && (!onlyInFunctions || InAnonymousFunction(node, code))
                    && !Leaves((ExpressionSyntax)node))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool InAnonymousFunction(SyntaxNode node, SyntaxNode code)
        {
            for (var parent = node.Parent; parent != null && parent != code; parent = parent.Parent)
            {
                if (parent is AnonymousFunctionExpressionSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsForAddressCall(SyntaxNode node)
        {
            if (!(node is InvocationExpressionSyntax invocation))
            {
                return false;
            }

            var name = invocation.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name,
                SimpleNameSyntax simple => simple,
                _ => null,
            };
            return name != null && name.Identifier.ValueText == "ForAddress";
        }

        /// <summary>Follow's walk up from a creation, for the shapes it ends in Escapes or Wrapped whatever the symbols.</summary>
        private static bool Leaves(ExpressionSyntax creation)
        {
            SyntaxNode current = creation;
            while (true)
            {
                var parent = current.Parent;
                switch (parent)
                {
                    // Conversions and the branches of ?: are looked through, as Follow does.
                    case ParenthesizedExpressionSyntax _:
                    case CastExpressionSyntax _:
                    case PostfixUnaryExpressionSyntax suppression when suppression.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                    case BinaryExpressionSyntax asCast when asCast.IsKind(SyntaxKind.AsExpression) && asCast.Left == current:
                    case ConditionalExpressionSyntax conditional when conditional.WhenTrue == current || conditional.WhenFalse == current:
                        current = parent;
                        continue;
                    case ReturnStatementSyntax _:
                        return true;
                    case ArrowExpressionClauseSyntax arrow:
                        return ReturnsValue(arrow.Parent);
                    case LambdaExpressionSyntax lambda when lambda.ExpressionBody == current:
                        return IsLazyFactory(lambda);
                    case ArgumentSyntax argument when argument.Parent is ArgumentListSyntax list:
                        return PassedOn(argument, list);
                    default:
                        return false;
                }
            }
        }

        /// <summary>
        /// An argument of a call escapes, except the first of a static-form extension call (Follow calls that receiver
        /// dropped): so the first argument, and any list with names, is not decided here. An argument of a constructor
        /// is wrapped, or escapes or is dropped with the wrapping creation; that creation is itself one of the member's
        /// creations, so it has to leave too.
        /// </summary>
        private static bool PassedOn(ArgumentSyntax argument, ArgumentListSyntax list)
        {
            switch (list.Parent)
            {
                case InvocationExpressionSyntax _:
                    if (list.Arguments.IndexOf(argument) == 0)
                    {
                        return false;
                    }

                    foreach (var other in list.Arguments)
                    {
                        if (other.NameColon != null)
                        {
                            return false;
                        }
                    }

                    return true;
                case ConstructorInitializerSyntax _:
                case PrimaryConstructorBaseTypeSyntax _:
                case BaseObjectCreationExpressionSyntax _:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>An expression body that is the member's return value: not a void (or non-generic async) method's.</summary>
        private static bool ReturnsValue(SyntaxNode? member)
        {
            switch (member)
            {
                case MethodDeclarationSyntax method:
                    return ReturnsValue(method.ReturnType, method.Modifiers);
                case LocalFunctionStatementSyntax function:
                    return ReturnsValue(function.ReturnType, function.Modifiers);
                case OperatorDeclarationSyntax op:
                    return !IsVoid(op.ReturnType); // C# 14 compound assignment operators return void
                case ConversionOperatorDeclarationSyntax _:
                case PropertyDeclarationSyntax _:
                case IndexerDeclarationSyntax _:
                    return true;
                case AccessorDeclarationSyntax accessor:
                    return accessor.IsKind(SyntaxKind.GetAccessorDeclaration);
                default:
                    return false;
            }
        }

        private static bool ReturnsValue(TypeSyntax returnType, SyntaxTokenList modifiers) =>
            !IsVoid(returnType) && (!modifiers.Any(SyntaxKind.AsyncKeyword) || Unqualified(returnType) is GenericNameSyntax);

        private static bool IsVoid(TypeSyntax type) =>
            type is PredefinedTypeSyntax predefined && predefined.Keyword.IsKind(SyntaxKind.VoidKeyword);

        /// <summary>
        /// <c>new Lazy&lt;T&gt;(() =&gt; new …)</c>, or a target-typed <c>new(() =&gt; new …)</c> declared as Lazy&lt;T&gt;:
        /// every Lazy&lt;T&gt; constructor that takes a delegate takes a Func&lt;T&gt;, so the lambda returns the creation.
        /// </summary>
        private static bool IsLazyFactory(LambdaExpressionSyntax lambda)
        {
            SyntaxNode node = lambda;
            while (node.Parent is ParenthesizedExpressionSyntax)
            {
                node = node.Parent;
            }

            if (!(node.Parent is ArgumentSyntax argument) || argument.NameColon != null || !(argument.Parent?.Parent is BaseObjectCreationExpressionSyntax creation))
            {
                return false;
            }

            var type = creation is ObjectCreationExpressionSyntax explicitType ? explicitType.Type : DeclaredType(creation);
            return type != null && Unqualified(type) is GenericNameSyntax generic && generic.Identifier.ValueText == "Lazy" && generic.TypeArgumentList.Arguments.Count == 1;
        }

        /// <summary>The declared type a target-typed <c>new(…)</c> initializes: of a field, property or local.</summary>
        private static TypeSyntax? DeclaredType(ExpressionSyntax value)
        {
            if (!(value.Parent is EqualsValueClauseSyntax equals))
            {
                return null;
            }

            return equals.Parent switch
            {
                VariableDeclaratorSyntax declarator => (declarator.Parent as VariableDeclarationSyntax)?.Type,
                PropertyDeclarationSyntax property => property.Type,
                _ => null,
            };
        }

        private static TypeSyntax Unqualified(TypeSyntax type) => type switch
        {
            QualifiedNameSyntax qualified => qualified.Right,
            AliasQualifiedNameSyntax alias => alias.Name,
            _ => type,
        };
    }
}
