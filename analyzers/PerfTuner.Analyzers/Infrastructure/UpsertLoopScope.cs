using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// One loop around an upsert, as PT0002 sees it: a loop statement (for, foreach, await foreach, while, do) whose
    /// body holds the call, or a lambda run once per element (List.ForEach, Parallel.ForEach(Async), LINQ operators).
    /// Answers whether a value changes from one iteration to the next and whether the loop is really a retry loop.
    /// </summary>
    internal sealed class UpsertLoopScope
    {
        private const int MaxLocalDepth = 8;

        private Dictionary<ILocalSymbol, LocalWrites>? _writes;
        private HashSet<ISymbol>? _conditionSymbols;

        private UpsertLoopScope(IOperation operation, bool isLambda, bool guardedBySizeCheck)
        {
            Operation = operation;
            IsLambda = isLambda;
            GuardedBySizeCheck = guardedBySizeCheck;
        }

        /// <summary>An <see cref="ILoopOperation"/> or the <see cref="IAnonymousFunctionOperation"/> that is the per-element body.</summary>
        internal IOperation Operation { get; }

        internal SyntaxNode Syntax => Operation.Syntax;

        internal bool IsLambda { get; }

        /// <summary>True when, between the call and this loop, the call sits behind a buffer-size check (<c>if (buffer.Count &gt;= n)</c>).</summary>
        internal bool GuardedBySizeCheck { get; }

        /// <summary>The loops around <paramref name="call"/>, innermost first, stopping at local functions and at lambdas that are not arguments.</summary>
        internal static List<UpsertLoopScope> Enclosing(IOperation call)
        {
            var loops = new List<UpsertLoopScope>();
            var guarded = false;
            var child = call;
            for (var parent = call.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                switch (parent)
                {
                    case ILoopOperation loop when ReferenceEquals(loop.Body, child):
                        loops.Add(new UpsertLoopScope(loop, isLambda: false, guarded));
                        break;

                    case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, child) && conditional.Condition != null:
                        guarded |= IsSizeCheck(conditional.Condition, conditional);
                        break;

                    case ILocalFunctionOperation _:
                        return loops;

                    case IAnonymousFunctionOperation lambda:
                        var invocation = InvocationTakingLambda(lambda);
                        if (invocation == null)
                        {
                            return loops; // stored in a variable or an event: not run by the code around it
                        }

                        if (RunsPerElement(invocation.TargetMethod))
                        {
                            loops.Add(new UpsertLoopScope(lambda, isLambda: true, guarded));
                        }

                        // Any other lambda argument (a retry policy, Task.Run) runs as part of the code around it.
                        break;
                }
            }

            return loops;
        }

        private static IInvocationOperation? InvocationTakingLambda(IAnonymousFunctionOperation lambda)
        {
            var current = lambda.Parent;
            while (current is IDelegateCreationOperation || current is IConversionOperation)
            {
                current = current.Parent;
            }

            return current is IArgumentOperation argument ? argument.Parent as IInvocationOperation : null;
        }

        /// <summary>Methods that call their delegate once per element of a sequence.</summary>
        private static bool RunsPerElement(IMethodSymbol? method)
        {
            if (method == null)
            {
                return false;
            }

            if (method.Name.StartsWith("ForEach", System.StringComparison.Ordinal)) // ForEach, ForEachAsync, ForEachAwaitAsync
            {
                return true;
            }

            var type = method.ContainingType;
            if (type == null || type.ContainingNamespace == null)
            {
                return false;
            }

            var ns = type.ContainingNamespace.ToDisplayString();
            if (ns == "System.Linq")
            {
                return type.Name == "Enumerable" || type.Name == "ParallelEnumerable" || type.Name == "AsyncEnumerable";
            }

            return ns == "System.Threading.Tasks" && type.Name == "Parallel" && (method.Name == "For" || method.Name == "ForEach" || method.Name == "ForEachAsync");
        }

        /// <summary>
        /// <c>buffer.Count &gt;= n</c> (or Length, Count()) over a collection this loop adds to, or a modulo
        /// (<c>i % 100 == 0</c>): the call flushes a buffer instead of running per item.
        /// </summary>
        private static bool IsSizeCheck(IOperation condition, IOperation conditional)
        {
            foreach (var operation in condition.DescendantsAndSelf())
            {
                if (operation is IBinaryOperation binary && binary.OperatorKind == BinaryOperatorKind.Remainder)
                {
                    return true;
                }

                ISymbol? measured = null;
                if (operation is IPropertyReferenceOperation property
                    && (property.Property.Name == "Count" || property.Property.Name == "Length" || property.Property.Name == "LongLength"))
                {
                    measured = ReferencedSymbol(property.Instance);
                }
                else if (operation is IInvocationOperation invocation
                         && (invocation.TargetMethod.Name == "Count" || invocation.TargetMethod.Name == "LongCount")
                         && invocation.Arguments.Length == 1)
                {
                    measured = ReferencedSymbol(invocation.Arguments[0].Value);
                }

                if (measured != null && IsFilledNearby(measured, conditional))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The collection is added to somewhere in the method body around the check, so it is a buffer.</summary>
        private static bool IsFilledNearby(ISymbol collection, IOperation from)
        {
            var root = from;
            while (root.Parent != null)
            {
                root = root.Parent;
            }

            foreach (var operation in root.Descendants())
            {
                if (operation is IInvocationOperation invocation
                    && invocation.Instance != null
                    && IsAddMethod(invocation.TargetMethod.Name)
                    && SymbolEqualityComparer.Default.Equals(ReferencedSymbol(invocation.Instance), collection))
                {
                    return true;
                }
            }

            return false;
        }

        internal static bool IsAddMethod(string name) =>
            name == "Add" || name == "AddRange" || name == "Enqueue" || name == "Push" || name == "TryAdd" || name == "Insert" || name == "InsertRange";

        internal static ISymbol? ReferencedSymbol(IOperation? operation)
        {
            operation = Strip(operation);
            switch (operation)
            {
                case ILocalReferenceOperation local:
                    return local.Local;
                case IParameterReferenceOperation parameter:
                    return parameter.Parameter;
                case IFieldReferenceOperation field:
                    return field.Field;
                case IPropertyReferenceOperation property when property.Arguments.Length == 0:
                    return property.Property;
                default:
                    return null;
            }
        }

        /// <summary>Removes implicit conversions and parentheses around a value.</summary>
        internal static IOperation? Strip(IOperation? operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion when conversion.Operand != null:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized when parenthesized.Operand != null:
                        operation = parenthesized.Operand;
                        continue;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>The syntax lies inside this loop (its header or body).</summary>
        internal bool Contains(SyntaxNode? node) => node != null && Syntax.Span.Contains(node.Span) && node.SyntaxTree == Syntax.SyntaxTree;

        internal bool IsDeclaredInside(ISymbol symbol)
        {
            foreach (var reference in symbol.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree == Syntax.SyntaxTree && Syntax.Span.Contains(reference.Span))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Does <paramref name="value"/> differ from one iteration to the next? True when it reads the iteration
        /// variable or lambda parameter, a local the loop (re)assigns, a variable the loop condition drives
        /// (<c>while (reader.Read())</c>), or calls or awaits something. A retry loop around a fixed payload answers false.
        /// </summary>
        internal bool DependsOnIteration(IOperation? value) => DependsOnIteration(value, new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default), 0);

        private bool DependsOnIteration(IOperation? value, HashSet<ILocalSymbol> visited, int depth)
        {
            if (value == null)
            {
                return false;
            }

            foreach (var operation in value.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when !invocation.IsImplicit:
                    case IAwaitOperation _:
                    case IDynamicInvocationOperation _:
                        return true;

                    case ILocalReferenceOperation local when LocalDepends(local.Local, visited, depth):
                        return true;

                    case IParameterReferenceOperation parameter when ParameterDepends(parameter.Parameter):
                        return true;
                }
            }

            return false;
        }

        private bool LocalDepends(ILocalSymbol local, HashSet<ILocalSymbol> visited, int depth)
        {
            if (ConditionSymbols.Contains(local) || IsLoopLocal(local))
            {
                return true;
            }

            var declaredInside = IsDeclaredInside(local);
            var written = Writes.TryGetValue(local, out var writes);
            if (!declaredInside)
            {
                return written; // declared outside: varies only if the loop reassigns or mutates it
            }

            if (!written || !writes!.Assigned)
            {
                return true; // declared inside without an initializer: a pattern, out or deconstruction variable
            }

            if (!visited.Add(local) || depth >= MaxLocalDepth)
            {
                return false;
            }

            foreach (var value in writes.Values)
            {
                if (value == null || DependsOnIteration(value, visited, depth + 1))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Iteration variables of a foreach, a for loop's counters, variables declared in a while condition.</summary>
        private bool IsLoopLocal(ILocalSymbol local)
        {
            if (Operation is ILoopOperation loop)
            {
                foreach (var candidate in loop.Locals)
                {
                    if (SymbolEqualityComparer.Default.Equals(candidate, local))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private bool ParameterDepends(IParameterSymbol parameter)
        {
            if (IsLambda && Operation is IAnonymousFunctionOperation lambda
                && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, lambda.Symbol))
            {
                return true;
            }

            return ConditionSymbols.Contains(parameter) || ParameterWritten(parameter);
        }

        private bool ParameterWritten(IParameterSymbol parameter)
        {
            foreach (var operation in Operation.Descendants())
            {
                if (operation is IAssignmentOperation assignment
                    && SymbolEqualityComparer.Default.Equals(RootSymbol(assignment.Target), parameter))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Values written to locals inside the loop: declarator initializers, assignments (null = opaque write such as
        /// <c>i++</c> or a member assignment) and the arguments of calls on the local (<c>list.Add(x)</c>, <c>request.Points.Add(p)</c>).
        /// </summary>
        private Dictionary<ILocalSymbol, LocalWrites> Writes
        {
            get
            {
                if (_writes != null)
                {
                    return _writes;
                }

                var writes = new Dictionary<ILocalSymbol, LocalWrites>(SymbolEqualityComparer.Default);
                foreach (var operation in Operation.Descendants())
                {
                    switch (operation)
                    {
                        case IVariableDeclaratorOperation declarator:
                            var initializer = declarator.Initializer?.Value
                                              ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                            AddWrite(writes, declarator.Symbol, initializer, assigned: initializer != null);
                            break;

                        case ISimpleAssignmentOperation simple when Strip(simple.Target) is ILocalReferenceOperation target:
                            AddWrite(writes, target.Local, simple.Value, assigned: true);
                            break;

                        case IAssignmentOperation assignment when RootSymbol(assignment.Target) is ILocalSymbol root:
                            AddWrite(writes, root, null, assigned: true);
                            break;

                        case IIncrementOrDecrementOperation increment when RootSymbol(increment.Target) is ILocalSymbol incremented:
                            AddWrite(writes, incremented, null, assigned: true);
                            break;

                        case IArgumentOperation argument when argument.Parameter != null
                                                              && argument.Parameter.RefKind != RefKind.None
                                                              && RootSymbol(argument.Value) is ILocalSymbol byRef:
                            AddWrite(writes, byRef, null, assigned: true);
                            break;

                        case IInvocationOperation invocation when invocation.Instance != null
                                                                  && RootSymbol(invocation.Instance) is ILocalSymbol receiver:
                            foreach (var argument in invocation.Arguments)
                            {
                                AddWrite(writes, receiver, argument.Value, assigned: false);
                            }

                            break;
                    }
                }

                _writes = writes;
                return writes;
            }
        }

        private static void AddWrite(Dictionary<ILocalSymbol, LocalWrites> writes, ILocalSymbol? local, IOperation? value, bool assigned)
        {
            if (local == null)
            {
                return;
            }

            if (!writes.TryGetValue(local, out var entry))
            {
                entry = new LocalWrites();
                writes.Add(local, entry);
            }

            entry.Values.Add(value);
            entry.Assigned |= assigned;
        }

        /// <summary>What the loop stores into one local; a null value is a write whose value is not followed.</summary>
        private sealed class LocalWrites
        {
            internal List<IOperation?> Values { get; } = new List<IOperation?>();

            /// <summary>Initialised or assigned (not only mutated through calls).</summary>
            internal bool Assigned { get; set; }
        }

        /// <summary>The local or parameter at the root of <c>x</c>, <c>x.Points</c>, <c>x.Id</c>, <c>x[i]</c>.</summary>
        internal static ISymbol? RootSymbol(IOperation? operation)
        {
            for (var depth = 0; operation != null && depth < 16; depth++)
            {
                switch (Strip(operation))
                {
                    case ILocalReferenceOperation local:
                        return local.Local;
                    case IParameterReferenceOperation parameter:
                        return parameter.Parameter;
                    case IMemberReferenceOperation member:
                        operation = member.Instance;
                        break;
                    case IArrayElementReferenceOperation element:
                        operation = element.ArrayReference;
                        break;
                    default:
                        return null;
                }
            }

            return null;
        }

        /// <summary>Locals and parameters read by the loop's condition (and a for loop's increment).</summary>
        private HashSet<ISymbol> ConditionSymbols
        {
            get
            {
                if (_conditionSymbols != null)
                {
                    return _conditionSymbols;
                }

                var symbols = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                switch (Operation)
                {
                    case IWhileLoopOperation whileLoop:
                        Collect(whileLoop.Condition, symbols);
                        break;
                    case IForLoopOperation forLoop:
                        Collect(forLoop.Condition, symbols);
                        foreach (var step in forLoop.AtLoopBottom)
                        {
                            Collect(step, symbols);
                        }

                        break;
                }

                _conditionSymbols = symbols;
                return symbols;
            }
        }

        private static void Collect(IOperation? operation, HashSet<ISymbol> symbols)
        {
            if (operation == null)
            {
                return;
            }

            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is ILocalReferenceOperation local)
                {
                    symbols.Add(local.Local);
                }
                else if (descendant is IParameterReferenceOperation parameter)
                {
                    symbols.Add(parameter.Parameter);
                }
            }
        }

        /// <summary>
        /// The success path leaves this loop: a <c>break</c>, <c>return</c> or an assignment to a variable the loop
        /// condition reads (<c>done = true</c>) follows the statement holding <paramref name="inner"/>, or that statement
        /// is itself a <c>return</c>. That makes it a retry loop, not a loop over items.
        /// </summary>
        internal bool ExitsAfterSuccess(SyntaxNode inner)
        {
            if (IsLambda)
            {
                return false;
            }

            var conditionNames = ConditionNames();
            for (var node = inner; node != null && node != Syntax; node = node.Parent)
            {
                if (!(node is StatementSyntax statement))
                {
                    continue;
                }

                if (statement is ReturnStatementSyntax)
                {
                    return true;
                }

                if (!(statement.Parent is BlockSyntax block))
                {
                    continue;
                }

                var index = block.Statements.IndexOf(statement);
                for (var i = index + 1; i >= 1 && i < block.Statements.Count; i++)
                {
                    var next = block.Statements[i];
                    if (next is BreakStatementSyntax || next is ReturnStatementSyntax)
                    {
                        return true;
                    }

                    if (next is ExpressionStatementSyntax expression
                        && expression.Expression is AssignmentExpressionSyntax assignment
                        && assignment.Left is IdentifierNameSyntax assigned
                        && conditionNames.Contains(assigned.Identifier.ValueText))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private HashSet<string> ConditionNames()
        {
            var names = new HashSet<string>();
            ExpressionSyntax? condition = null;
            switch (Syntax)
            {
                case WhileStatementSyntax whileStatement:
                    condition = whileStatement.Condition;
                    break;
                case DoStatementSyntax doStatement:
                    condition = doStatement.Condition;
                    break;
                case ForStatementSyntax forStatement:
                    condition = forStatement.Condition;
                    break;
            }

            if (condition != null)
            {
                foreach (var node in condition.DescendantNodesAndSelf())
                {
                    if (node is IdentifierNameSyntax identifier)
                    {
                        names.Add(identifier.Identifier.ValueText);
                    }
                }
            }

            return names;
        }
    }
}
