using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>What an expression is once the syntax that does not change its value is looked through.</summary>
    internal static class SyntaxValues
    {
        /// <summary><c>((x))</c> is <c>x</c>.</summary>
        internal static ExpressionSyntax Unparenthesize(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }

        /// <summary>
        /// The name <c>x</c> or <c>this.x</c> spells, or null for any other expression: the receivers a rule can tie to
        /// one of its type's fields from syntax (a simple name only when nothing in its member declares the same name).
        /// </summary>
        internal static string? SimpleOrThisName(ExpressionSyntax expression) => expression switch
        {
            IdentifierNameSyntax simple => simple.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax name } => name.Identifier.ValueText,
            _ => null,
        };

        /// <summary>
        /// Also looks through casts, <c>as</c> and <c>!</c>: the syntax of what an IConversionOperation strips (an
        /// implicit conversion has none), for a rule that reads from syntax what it would otherwise read from operations.
        /// </summary>
        internal static ExpressionSyntax StripConversions(ExpressionSyntax expression)
        {
            while (true)
            {
                switch (expression)
                {
                    case ParenthesizedExpressionSyntax parenthesized:
                        expression = parenthesized.Expression;
                        continue;
                    case CastExpressionSyntax cast:
                        expression = cast.Expression;
                        continue;
                    case PostfixUnaryExpressionSyntax suppression when suppression.IsKind(SyntaxKind.SuppressNullableWarningExpression):
                        expression = suppression.Operand;
                        continue;
                    case BinaryExpressionSyntax asCast when asCast.IsKind(SyntaxKind.AsExpression):
                        expression = asCast.Left;
                        continue;
                    default:
                        return expression;
                }
            }
        }
    }
}
