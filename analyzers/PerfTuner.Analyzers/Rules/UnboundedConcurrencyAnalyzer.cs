using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfTuner.Analyzers.Infrastructure;

namespace PerfTuner.Analyzers.Rules
{
    /// <summary>
    /// PT0003: a fan-out as wide as its input with nothing limiting it — <c>Task.WhenAll(items.Select(async …))</c>,
    /// a task list filled in a loop over the input and then joined, <c>Task.Run</c> fired per element, or
    /// <c>Parallel.ForEach/For</c> told <c>MaxDegreeOfParallelism = -1</c>. Every element opens its own request at
    /// the same moment: the server queues them, tail latency explodes, sockets and memory run out.
    /// Precision first: a throttle in the work, a small constant source, a Chunk(n) wave, a worker pool of chosen
    /// width, tasks we did not see started, and anything ambiguous stay silent.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnboundedConcurrencyAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>.editorconfig key: a constant source with at most this many elements is a fixed, small set (default 8).</summary>
        public const string MaxFanOutOption = "max_fan_out";

        /// <summary>.editorconfig key: the limit the code fix writes (default 8).</summary>
        public const string MaxDegreeOfParallelismOption = "max_degree_of_parallelism";

        public const int DefaultMaxFanOut = 8;
        public const int DefaultMaxDegreeOfParallelism = 8;

        /// <summary>Diagnostic property: the configured limit, for the code fix.</summary>
        public const string MaxDegreeOfParallelismProperty = "MaxDegreeOfParallelism";

        /// <summary>Diagnostic property set when the fan-out is <c>WhenAll/WaitAll(source.Select(lambda))</c>: the code fix can bound it.</summary>
        public const string SelectLambdaProperty = "SelectLambda";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.UnboundedConcurrency);

        public override void Initialize(AnalysisContext context)
        {
            // Generated code is not analysed (no Analyze flag). ReportDiagnostics only spares the driver's per-tree
            // generated-code token scan on our first report in each tree; GeneratedCodeReportFilter applies the same filter.
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var types = ConcurrencyTypes.Create(start.Compilation);
                if (types == null)
                {
                    return; // no System.Threading.Tasks.Task: no fan-out can exist
                }

                // Every invocation the rule judges spells one of these names (or is a discarded task, `_ = ...`):
                // only members that do are bound and walked (SourceOperations).
                var words = SourceWords.Create(start.Compilation, System.Array.Empty<string>(), FanOutTokens, start.CancellationToken);
                start.RegisterSemanticModelAction(c => SourceOperations.ForEach(c, words, MayFanOut, mayReport: null, site => AnalyzeInvocation(site, types), OperationKind.Invocation));
            });
        }

        /// <summary>The names in <see cref="AnalyzeInvocation"/>'s switch and the discard, each a whole token.</summary>
        private static readonly string[] FanOutTokens = { "WhenAll", "WaitAll", "Run", "StartNew", "For", "ForEach", "_" };

        /// <summary>
        /// The token where a name was found, checked before its member is bound: one of the method names, or a `_` that
        /// is the target of an assignment. A name in a comment or a string does not count, nor the discard pattern
        /// `_ =>` in a switch or `out _`, which are everywhere in plain code and never start a fan-out, nor a WhenAll
        /// given its tasks one by one.
        /// </summary>
        private static bool MayFanOut(SyntaxToken token)
        {
            if (!token.IsKind(SyntaxKind.IdentifierToken))
            {
                return false;
            }

            var name = token.ValueText;
            if (name == "_")
            {
                return token.Parent is IdentifierNameSyntax discard && discard.Parent is AssignmentExpressionSyntax assignment && assignment.Left == discard;
            }

            if (name == "WhenAll" && ArgumentCount(token) >= 2)
            {
                // WhenAll(first, second): every WhenAll overload taking more than one argument is the params one, a
                // fixed set of tasks, which AnalyzeJoin never judges. (WaitAll(tasks, timeout) is not: it stays.)
                return false;
            }

            return System.Array.IndexOf(FanOutTokens, name) >= 0;
        }

        /// <summary>The number of arguments of the call the token names (<c>Task.WhenAll(…)</c>, <c>WhenAll&lt;T&gt;(…)</c>), or -1.</summary>
        private static int ArgumentCount(SyntaxToken token)
        {
            SyntaxNode? callee = token.Parent as SimpleNameSyntax;
            if (callee?.Parent is MemberAccessExpressionSyntax access && access.Name == callee)
            {
                callee = access;
            }

            return callee?.Parent is InvocationExpressionSyntax invocation && invocation.Expression == callee
                ? invocation.ArgumentList.Arguments.Count
                : -1;
        }

        private static void AnalyzeInvocation(OperationSite context, ConcurrencyTypes types)
        {
            // The driver calls this for every invocation in the compilation: the method name (already bound) decides
            // first, and a type comparison only follows for the six names that can start or join a fan-out.
            var invocation = (IInvocationOperation)context.Operation;
            var method = invocation.TargetMethod;
            switch (method.Name)
            {
                case "WhenAll":
                case "WaitAll":
                    if (types.Is(method.ContainingType, types.Task))
                    {
                        AnalyzeJoin(context, invocation, types);
                        return;
                    }

                    break;
                case "Run":
                    if (types.Is(method.ContainingType, types.Task))
                    {
                        AnalyzeFireAndForget(context, invocation, types, "Task.Run", discardedOnly: false);
                        return;
                    }

                    break;
                case "StartNew":
                    if (types.Is(method.ContainingType, types.TaskFactory))
                    {
                        AnalyzeFireAndForget(context, invocation, types, "Task.Factory.StartNew", discardedOnly: false);
                        return;
                    }

                    break;
                case "For":
                case "ForEach":
                    if (types.Is(method.ContainingType, types.Parallel))
                    {
                        AnalyzeParallel(context, invocation, types);
                        return;
                    }

                    break;
            }

            // _ = HandleAsync(message); inside a loop: fire-and-forget per element. Parallel's other methods
            // (Invoke, ForEachAsync...) are judged by their own shape, never as a discarded task.
            if (IsDiscarded(invocation, allowExpressionStatement: false)
                && !types.Is(method.ContainingType, types.Parallel)
                && types.IsTaskLike(invocation.Type))
            {
                AnalyzeFireAndForget(context, invocation, types, method.Name, discardedOnly: true);
            }
        }

        // ---- Task.WhenAll / Task.WaitAll -------------------------------------------------------------------------

        private static void AnalyzeJoin(OperationSite context, IInvocationOperation invocation, ConcurrencyTypes types)
        {
            IArgumentOperation? tasks = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Ordinal == 0)
                {
                    tasks = argument;
                }
            }

            // WhenAll(a, b, c): a fixed set of tasks, however each was started.
            if (tasks == null || tasks.ArgumentKind != ArgumentKind.Explicit)
            {
                return;
            }

            var scan = new FanOutScan(context, types);
            var fanOut = scan.FindFanOut(tasks.Value, depth: 0);
            if (fanOut == null)
            {
                return;
            }

            Report(context, types, invocation, "Task." + invocation.TargetMethod.Name, fanOut.Source, fanOut.SelectLambda);
        }

        // ---- Task.Run / StartNew / _ = DoAsync() per element -----------------------------------------------------

        private static void AnalyzeFireAndForget(OperationSite context, IInvocationOperation invocation, ConcurrencyTypes types, string what, bool discardedOnly)
        {
            if (!IsDiscarded(invocation, allowExpressionStatement: !discardedOnly))
            {
                return; // collected tasks are judged where they are joined
            }

            var scan = new FanOutScan(context, types);
            if (discardedOnly && !scan.StartsOperation(invocation))
            {
                return;
            }

            var loop = scan.InputSizedLoop(invocation, collection: null, out var outermost);
            if (loop == null || outermost == null || ConcurrencyThrottleDetector.AcquiresThrottle(outermost.Body, types, context.CancellationToken))
            {
                return;
            }

            Report(context, types, invocation, what, loop.Source, selectLambda: false);
        }

        private static bool IsDiscarded(IInvocationOperation invocation, bool allowExpressionStatement)
        {
            IOperation current = invocation;
            while (current.Parent is IConversionOperation conversion)
            {
                current = conversion;
            }

            return current.Parent switch
            {
                IExpressionStatementOperation => allowExpressionStatement,
                ISimpleAssignmentOperation assignment => assignment.Target is IDiscardOperation && assignment.Value == current,
                _ => false,
            };
        }

        // ---- Parallel.ForEach / Parallel.For ---------------------------------------------------------------------

        private static void AnalyzeParallel(OperationSite context, IInvocationOperation invocation, ConcurrencyTypes types)
        {
            IOperation? options = null;
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter != null && types.Is(argument.Parameter.Type, types.ParallelOptions))
                {
                    options = argument.Value;
                }
            }

            // Without options the thread pool's injection rate bounds the loop; only an explicit -1 asks for "no limit".
            if (options == null || !IsExplicitlyUnlimited(options, context.CancellationToken))
            {
                return;
            }

            var width = new ConcurrencyFanOutWidth(types, MaxFanOut(context), context.CancellationToken);
            SyntaxNode? source;
            if (invocation.TargetMethod.Name == "ForEach")
            {
                var collection = ConcurrencyOperations.ArgumentFor(invocation, 0);
                if (collection == null || width.Classify(collection) != FanOutWidth.InputSized)
                {
                    return;
                }

                source = collection.Syntax;
            }
            else
            {
                var toExclusive = ConcurrencyOperations.ArgumentFor(invocation, 1);
                if (toExclusive == null || width.ClassifyCount(toExclusive) != FanOutWidth.InputSized)
                {
                    return;
                }

                source = ConcurrencyOperations.SizeOfCollection(toExclusive)?.Syntax ?? toExclusive.Syntax;
            }

            Report(context, types, invocation, "Parallel." + invocation.TargetMethod.Name + " with MaxDegreeOfParallelism = -1", source, selectLambda: false);
        }

        /// <summary>
        /// True when the ParallelOptions passed are created here and every value given to MaxDegreeOfParallelism is a
        /// negative constant. A positive or computed limit, or options from elsewhere, are not our business.
        /// </summary>
        private static bool IsExplicitlyUnlimited(IOperation options, System.Threading.CancellationToken cancellationToken)
        {
            options = ConcurrencyOperations.Unwrap(options)!;
            var values = new List<IOperation>();
            switch (options)
            {
                case IObjectCreationOperation creation:
                    CollectLimitValues(creation, values);
                    break;
                case ILocalReferenceOperation local:
                    var root = ConcurrencyOperations.Root(local);
                    if (ConcurrencyOperations.SingleAssignment(root, local.Local, cancellationToken) is not IObjectCreationOperation created)
                    {
                        return false;
                    }

                    CollectLimitValues(created, values);
                    foreach (var operation in root.Descendants())
                    {
                        if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment
                            && property.Property.Name == "MaxDegreeOfParallelism"
                            && ConcurrencyOperations.Unwrap(property.Instance) is ILocalReferenceOperation owner
                            && SymbolEqualityComparer.Default.Equals(owner.Local, local.Local))
                        {
                            values.Add(assignment.Value);
                        }
                    }

                    break;
                case IFieldReferenceOperation field when field.Field.IsReadOnly && field.Field.DeclaringSyntaxReferences.Length == 1:
                    return field.Field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer }
                           && SetsNegativeLimit(initializer.Value);
                default:
                    return false;
            }

            return values.Count > 0 && values.All(v => v.ConstantValue.HasValue && v.ConstantValue.Value is int limit && limit < 0);
        }

        private static void CollectLimitValues(IObjectCreationOperation creation, List<IOperation> values)
        {
            if (creation.Initializer == null)
            {
                return;
            }

            foreach (var initializer in creation.Initializer.Initializers)
            {
                if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation property } assignment
                    && property.Property.Name == "MaxDegreeOfParallelism")
                {
                    values.Add(assignment.Value);
                }
            }
        }

        /// <summary>Syntax check for a field initializer in another file: <c>new ParallelOptions { MaxDegreeOfParallelism = -1 }</c>.</summary>
        private static bool SetsNegativeLimit(ExpressionSyntax value)
        {
            if (value is not BaseObjectCreationExpressionSyntax { Initializer: { } initializer })
            {
                return false;
            }

            var found = false;
            foreach (var expression in initializer.Expressions)
            {
                if (expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "MaxDegreeOfParallelism" } } assignment)
                {
                    if (assignment.Right is not PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: LiteralExpressionSyntax })
                    {
                        return false;
                    }

                    found = true;
                }
            }

            return found;
        }

        // ---- reporting -------------------------------------------------------------------------------------------

        private static int MaxFanOut(OperationSite context) =>
            RuleOptions.GetInt(context.Options, context.Operation.Syntax.SyntaxTree, DiagnosticIds.UnboundedConcurrency, MaxFanOutOption, DefaultMaxFanOut, min: 0);

        private static void Report(OperationSite context, ConcurrencyTypes types, IInvocationOperation invocation, string what, SyntaxNode source, bool selectLambda)
        {
            // Squiggle the method name (Task.WhenAll, Task.Run, Parallel.ForEach), not the whole lambda.
            var location = invocation.Syntax is InvocationExpressionSyntax call ? call.Expression.GetLocation() : invocation.Syntax.GetLocation();
            if (types.GeneratedCode.IsSuppressed(location, context.ContainingSymbol))
            {
                return;
            }

            var tree = invocation.Syntax.SyntaxTree;
            var limit = RuleOptions.GetInt(context.Options, tree, DiagnosticIds.UnboundedConcurrency, MaxDegreeOfParallelismOption, DefaultMaxDegreeOfParallelism, min: 1);
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add(MaxDegreeOfParallelismProperty, limit.ToString(CultureInfo.InvariantCulture));
            if (selectLambda)
            {
                properties = properties.Add(SelectLambdaProperty, "true");
            }

            context.ReportDiagnostic(Diagnostic.Create(
                Descriptors.UnboundedConcurrency,
                location,
                properties,
                what,
                ConcurrencyOperations.Describe(source)));
        }

        // ---- the search ------------------------------------------------------------------------------------------

        private sealed class FanOut
        {
            internal FanOut(SyntaxNode source, bool selectLambda)
            {
                Source = source;
                SelectLambda = selectLambda;
            }

            internal SyntaxNode Source { get; }

            internal bool SelectLambda { get; }
        }

        private sealed class Loop
        {
            internal Loop(FanOutWidth width, SyntaxNode source, IOperation body)
            {
                Width = width;
                Source = source;
                Body = body;
            }

            internal FanOutWidth Width { get; }

            internal SyntaxNode Source { get; }

            internal IOperation Body { get; }
        }

        /// <summary>One analysis of one invocation: finds where the joined or discarded tasks were started, and how many at once.</summary>
        private sealed class FanOutScan
        {
            private readonly OperationSite _context;
            private readonly ConcurrencyTypes _types;
            private readonly ConcurrencyFanOutWidth _width;

            internal FanOutScan(OperationSite context, ConcurrencyTypes types)
            {
                _context = context;
                _types = types;
                _width = new ConcurrencyFanOutWidth(types, MaxFanOut(context), context.CancellationToken);
            }

            /// <summary>The unbounded fan-out that produced the tasks in <paramref name="tasks"/>, or null.</summary>
            internal FanOut? FindFanOut(IOperation? tasks, int depth)
            {
                tasks = ConcurrencyOperations.Unwrap(tasks);
                if (tasks == null || depth > 4)
                {
                    return null;
                }

                switch (tasks)
                {
                    case IInvocationOperation copy when copy.Instance != null && copy.Arguments.IsEmpty
                                                        && (copy.TargetMethod.Name == "ToArray" || copy.TargetMethod.Name == "AsReadOnly"):
                        // list.ToArray(): the same tasks, copied.
                        return FindFanOut(copy.Instance, depth + 1);

                    case IInvocationOperation invocation when _types.IsEnumerableMethod(invocation.TargetMethod) && invocation.Arguments.Length >= 1:
                        switch (invocation.TargetMethod.Name)
                        {
                            case "ToArray":
                            case "ToList":
                            case "ToHashSet":
                            case "AsEnumerable":
                                return FindFanOut(invocation.Arguments[0].Value, depth + 1);
                            case "Select" when invocation.Arguments.Length == 2:
                                return AnalyzeSelect(invocation);
                        }

                        return null;

                    case ILocalReferenceOperation local:
                        var root = ConcurrencyOperations.Root(local);
                        var assigned = ConcurrencyOperations.SingleAssignment(root, local.Local, _context.CancellationToken);
                        if (assigned is IInvocationOperation)
                        {
                            // var tasks = documents.Select(d => EmbedAsync(d)).ToList();
                            return FindFanOut(assigned, depth + 1);
                        }

                        return AnalyzeFilledCollection(local.Local, root);

                    default:
                        return null;
                }
            }

            /// <summary><c>source.Select(x => StartAsync(x))</c>: one operation per element of source, all started by the join.</summary>
            private FanOut? AnalyzeSelect(IInvocationOperation select)
            {
                var source = ConcurrencyOperations.ArgumentFor(select, 0);
                var selector = ConcurrencyOperations.ArgumentFor(select, 1);
                if (source == null || selector is not IDelegateCreationOperation delegateCreation)
                {
                    return null;
                }

                var elementUsed = true;
                bool isLambda;
                switch (delegateCreation.Target)
                {
                    case IAnonymousFunctionOperation lambda:
                        if (lambda.Symbol.Parameters.Length == 0
                            || _types.IsTaskLike(lambda.Symbol.Parameters[0].Type) // tasks started elsewhere
                            || IsServiceLike(lambda.Symbol.Parameters[0].Type)
                            || !StartsOperation(lambda)
                            || ConcurrencyThrottleDetector.AcquiresThrottle(lambda.Body, _types, _context.CancellationToken))
                        {
                            return null;
                        }

                        elementUsed = References(lambda.Body, lambda.Symbol.Parameters[0]);
                        isLambda = true;
                        break;

                    case IMethodReferenceOperation group:
                        var method = group.Method;
                        if (!_types.IsTaskLike(method.ReturnType)
                            || method.Parameters.Length == 0
                            || _types.IsTaskLike(method.Parameters[0].Type)
                            || IsServiceLike(method.Parameters[0].Type)
                            || IsAlreadyStarted(method)
                            || ConcurrencyThrottleDetector.IsSourceMethodThatAcquires(method, _context.CancellationToken))
                        {
                            return null;
                        }

                        isLambda = false;
                        break;

                    default:
                        return null;
                }

                // Enumerable.Range(0, workerCount).Select(_ => WorkerAsync(reader)): a pool of chosen width, not one task per item.
                if (!elementUsed && IsRangeOrRepeat(source))
                {
                    return null;
                }

                return _width.Classify(source) == FanOutWidth.InputSized ? new FanOut(source.Syntax, isLambda) : null;
            }

            /// <summary><c>var tasks = new List&lt;Task&gt;(); foreach (var x in input) tasks.Add(StartAsync(x)); await Task.WhenAll(tasks);</c></summary>
            private FanOut? AnalyzeFilledCollection(ILocalSymbol local, IOperation root)
            {
                var fills = new List<(IOperation Site, IOperation Value, bool IsRange)>();
                var otherUses = new List<IOperation>();
                foreach (var operation in root.Descendants())
                {
                    if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    {
                        continue;
                    }

                    switch (reference.Parent)
                    {
                        case IInvocationOperation add when add.Instance == reference && ConcurrencyOperations.IsGrowingMethod(add.TargetMethod.Name) && add.Arguments.Length >= 1:
                            fills.Add((add, add.Arguments[0].Value, add.TargetMethod.Name.EndsWith("Range", System.StringComparison.Ordinal)));
                            break;
                        case IArrayElementReferenceOperation element when element.ArrayReference == reference
                                                                          && element.Parent is ISimpleAssignmentOperation assignment
                                                                          && assignment.Target == element:
                            fills.Add((assignment, assignment.Value, false));
                            break;
                        default:
                            otherUses.Add(reference);
                            break;
                    }
                }

                foreach (var (site, value, isRange) in fills)
                {
                    if (isRange)
                    {
                        // tasks.AddRange(items.Select(StartAsync)): judged like a Select passed to WhenAll directly.
                        var inner = FindFanOut(value, depth: 1);
                        if (inner != null)
                        {
                            return new FanOut(inner.Source, selectLambda: false);
                        }

                        continue;
                    }

                    if (!StartsOperation(value))
                    {
                        continue; // tasks.Add(tcs.Task), tasks.Add(Task.CompletedTask)
                    }

                    var loop = InputSizedLoop(site, local, out var outermost);
                    if (loop == null || outermost == null)
                    {
                        continue;
                    }

                    // A throttle acquired in the loop, or the list managed inside it (tasks.Count >= N, WhenAny, Clear): bounded.
                    if (ConcurrencyThrottleDetector.AcquiresThrottle(outermost.Body, _types, _context.CancellationToken)
                        || otherUses.Any(u => IsInside(u, outermost.Body)))
                    {
                        return null;
                    }

                    return new FanOut(loop.Source, selectLambda: false);
                }

                return null;
            }

            /// <summary>
            /// The innermost loop over input-sized data that encloses <paramref name="operation"/> (up to the block that
            /// declares <paramref name="collection"/>, or the enclosing function), and the outermost loop on that path.
            /// </summary>
            internal Loop? InputSizedLoop(IOperation operation, ILocalSymbol? collection, out Loop? outermost)
            {
                outermost = null;
                Loop? found = null;
                for (var current = operation; current.Parent != null; current = current.Parent)
                {
                    var parent = current.Parent;
                    if (collection != null && parent is IBlockOperation block && block.Locals.Contains(collection, SymbolEqualityComparer.Default))
                    {
                        break;
                    }

                    Loop? loop = null;
                    switch (parent)
                    {
                        case IForEachLoopOperation forEach when current == forEach.Body:
                            var width = IsServiceLike(ElementType(forEach)) ? FanOutWidth.Unknown : _width.Classify(forEach.Collection);
                            loop = new Loop(width, ConcurrencyOperations.Unwrap(forEach.Collection)?.Syntax ?? forEach.Syntax, forEach.Body);
                            break;
                        case IForLoopOperation forLoop when current == forLoop.Body:
                            loop = ClassifyForLoop(forLoop);
                            break;
                        case IWhileLoopOperation whileLoop when current == whileLoop.Body:
                            loop = new Loop(FanOutWidth.Unknown, whileLoop.Syntax, whileLoop.Body);
                            break;
                        case IAnonymousFunctionOperation lambda:
                            // items.ForEach(x => ...) / Array.ForEach(items, x => ...) run the lambda once per element.
                            loop = ClassifyForEachMethod(lambda);
                            if (loop == null)
                            {
                                return found;
                            }

                            break;
                        case ILocalFunctionOperation:
                            return found;
                    }

                    if (loop != null)
                    {
                        outermost = loop;
                        if (found == null && loop.Width == FanOutWidth.InputSized)
                        {
                            found = loop;
                        }
                    }
                }

                return found;
            }

            private Loop? ClassifyForLoop(IForLoopOperation forLoop)
            {
                if (ConcurrencyOperations.Unwrap(forLoop.Condition) is IBinaryOperation condition
                    && (condition.OperatorKind == BinaryOperatorKind.LessThan
                        || condition.OperatorKind == BinaryOperatorKind.LessThanOrEqual
                        || condition.OperatorKind == BinaryOperatorKind.NotEquals))
                {
                    var bound = condition.RightOperand;
                    var source = ConcurrencyOperations.SizeOfCollection(bound)?.Syntax ?? bound.Syntax;
                    return new Loop(_width.ClassifyCount(bound), source, forLoop.Body);
                }

                return new Loop(FanOutWidth.Unknown, forLoop.Syntax, forLoop.Body);
            }

            private Loop? ClassifyForEachMethod(IAnonymousFunctionOperation lambda)
            {
                if (lambda.Parent is not IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation invocation } }
                    || invocation.TargetMethod.Name != "ForEach")
                {
                    return null;
                }

                var method = invocation.TargetMethod;
                IOperation? source = null;
                if (_types.Is(method.ContainingType, _types.ListOfT))
                {
                    source = invocation.Instance;
                }
                else if (SymbolEqualityComparer.Default.Equals(method.ContainingType, _types.Array))
                {
                    source = ConcurrencyOperations.ArgumentFor(invocation, 0);
                }

                source = ConcurrencyOperations.Unwrap(source);
                return source == null ? null : new Loop(_width.Classify(source), source.Syntax, lambda.Body);
            }

            /// <summary>Does this value (or this lambda's result) start new asynchronous work, rather than hand over an existing task?</summary>
            internal bool StartsOperation(IOperation? value)
            {
                value = ConcurrencyOperations.Unwrap(value);
                switch (value)
                {
                    case IDelegateCreationOperation creation:
                        return StartsOperation(creation.Target);
                    case IAnonymousFunctionOperation lambda:
                        if (lambda.Symbol.IsAsync)
                        {
                            return true;
                        }

                        foreach (var returned in ReturnedValues(lambda.Body))
                        {
                            if (StartsOperation(returned))
                            {
                                return true;
                            }
                        }

                        return false;
                    case IInvocationOperation invocation:
                        var method = invocation.TargetMethod;
                        if (method.Name == "AsTask" || method.Name == "ConfigureAwait")
                        {
                            return StartsOperation(invocation.Instance);
                        }

                        return _types.IsTaskLike(invocation.Type) && !IsAlreadyStarted(method);
                    default:
                        return false;
                }
            }

            /// <summary>Task combinators and completed-task factories start no new work of their own.</summary>
            private bool IsAlreadyStarted(IMethodSymbol method)
            {
                if (!_types.IsTaskLike(method.ContainingType))
                {
                    return false;
                }

                switch (method.Name)
                {
                    case "FromResult":
                    case "FromException":
                    case "FromCanceled":
                    case "Delay":
                    case "WhenAll":
                    case "WhenAny":
                    case "ContinueWith":
                    case "WaitAsync":
                        return true;
                    default:
                        return false;
                }
            }

            private static IEnumerable<IOperation> ReturnedValues(IOperation body)
            {
                var pending = new Stack<IOperation>();
                pending.Push(body);
                while (pending.Count > 0)
                {
                    var current = pending.Pop();
                    if (current is IReturnOperation { ReturnedValue: { } returned })
                    {
                        yield return returned;
                        continue;
                    }

                    foreach (var child in current.ChildOperations)
                    {
                        // A nested lambda's returns are its own.
                        if (child is not IAnonymousFunctionOperation && child is not ILocalFunctionOperation)
                        {
                            pending.Push(child);
                        }
                    }
                }
            }

            /// <summary>
            /// Handlers, observers, health checks, callbacks: elements typed as an interface (outside System.Collections
            /// and System.Linq) or a delegate. Their number is fixed by registrations, not by data — think MediatR
            /// publishing to every INotificationHandler — so a fan-out over them is not "as wide as the input".
            /// </summary>
            private static bool IsServiceLike(ITypeSymbol? type)
            {
                if (type == null)
                {
                    return false;
                }

                if (type.TypeKind == TypeKind.Delegate)
                {
                    return true;
                }

                if (type.TypeKind != TypeKind.Interface)
                {
                    return false;
                }

                var ns = type.ContainingNamespace?.ToDisplayString() ?? string.Empty;
                return !ns.StartsWith("System.Collections", System.StringComparison.Ordinal)
                       && !ns.StartsWith("System.Linq", System.StringComparison.Ordinal);
            }

            private static ITypeSymbol? ElementType(IForEachLoopOperation loop) =>
                loop.LoopControlVariable switch
                {
                    IVariableDeclaratorOperation declarator => declarator.Symbol.Type,
                    ILocalReferenceOperation local => local.Local.Type,
                    _ => null,
                };

            private static bool References(IOperation body, IParameterSymbol parameter)
            {
                foreach (var operation in body.Descendants())
                {
                    if (operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
                    {
                        return true;
                    }
                }

                return false;
            }

            private bool IsRangeOrRepeat(IOperation source) =>
                ConcurrencyOperations.Unwrap(source) is IInvocationOperation invocation
                && _types.IsEnumerableMethod(invocation.TargetMethod)
                && (invocation.TargetMethod.Name == "Range" || invocation.TargetMethod.Name == "Repeat");

            private static bool IsInside(IOperation operation, IOperation container) =>
                container.Syntax.Span.Contains(operation.Syntax.Span) && container.Syntax.SyntaxTree == operation.Syntax.SyntaxTree;
        }
    }
}
