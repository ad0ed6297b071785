using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>How many operations a PT0003 fan-out over some source starts at once.</summary>
    internal enum FanOutWidth
    {
        /// <summary>We cannot tell (a worker count, a while loop, broken code): the rule stays silent.</summary>
        Unknown,

        /// <summary>A constant, small source: an array literal, Enumerable.Range(0, 4), the values of an enum.</summary>
        Small,

        /// <summary>A slice whose size the author chose: the chunk of a Chunk(n) loop, Take(n), GetRange, a range.</summary>
        Bounded,

        /// <summary>As wide as the input: a parameter, a query result, a field, a large literal.</summary>
        InputSized,
    }

    /// <summary>Classifies the width of the collection a PT0003 fan-out runs over.</summary>
    internal sealed class ConcurrencyFanOutWidth
    {
        private readonly ConcurrencyTypes _types;
        private readonly int _maxFanOut;
        private readonly CancellationToken _cancellationToken;

        internal ConcurrencyFanOutWidth(ConcurrencyTypes types, int maxFanOut, CancellationToken cancellationToken)
        {
            _types = types;
            _maxFanOut = maxFanOut;
            _cancellationToken = cancellationToken;
        }

        internal FanOutWidth Classify(IOperation? source) => Classify(source, depth: 0);

        /// <summary>Width of a constant element count: small up to the max_fan_out option, input-sized above it.</summary>
        internal FanOutWidth ClassifyCount(IOperation? count)
        {
            count = ConcurrencyOperations.Unwrap(count);
            if (count == null)
            {
                return FanOutWidth.Unknown;
            }

            if (count.ConstantValue.HasValue && count.ConstantValue.Value is int constant)
            {
                return constant <= _maxFanOut ? FanOutWidth.Small : FanOutWidth.InputSized;
            }

            // items.Count, items.Length, items.Count(): the width is the input's size.
            if (ConcurrencyOperations.SizeOfCollection(count) != null)
            {
                return FanOutWidth.InputSized;
            }

            // workerCount, Environment.ProcessorCount, Math.Min(...): a width someone chose.
            return FanOutWidth.Unknown;
        }

        private FanOutWidth Classify(IOperation? source, int depth)
        {
            source = ConcurrencyOperations.Unwrap(source);
            if (source == null || depth > 8 || source is IInvalidOperation || source.Type is IErrorTypeSymbol)
            {
                return FanOutWidth.Unknown;
            }

            if (source.Syntax is CollectionExpressionSyntax collection)
            {
                return CountLiteral(collection.Elements.Count, collection.Elements.Any(e => e is SpreadElementSyntax));
            }

            // items[start..end]: a slice whose size the author chose.
            if (source.Syntax is ElementAccessExpressionSyntax access
                && access.ArgumentList.Arguments.Count == 1
                && access.ArgumentList.Arguments[0].Expression is RangeExpressionSyntax)
            {
                return FanOutWidth.Bounded;
            }

            switch (source)
            {
                case IArrayCreationOperation array:
                    if (array.Initializer != null)
                    {
                        return CountLiteral(array.Initializer.ElementValues.Length, hasSpread: false);
                    }

                    return array.DimensionSizes.Length == 1 ? ClassifyCount(array.DimensionSizes[0]) : FanOutWidth.Unknown;

                case IObjectCreationOperation creation when creation.Initializer != null && creation.Initializer.Initializers.Length > 0:
                    return CountLiteral(creation.Initializer.Initializers.Length, hasSpread: false);

                case IInvocationOperation invocation:
                    return ClassifyInvocation(invocation, depth);

                case ILocalReferenceOperation local:
                    return ClassifyLocal(local, depth);

                case IFieldReferenceOperation field when field.Field.IsReadOnly || field.Field.IsConst:
                    return ClassifyDeclaredInitializer(field.Field);

                case IPropertyReferenceOperation property when property.Property.SetMethod == null && property.Property.Parameters.IsEmpty:
                    var declared = ClassifyDeclaredInitializer(property.Property);
                    return declared == FanOutWidth.Unknown ? FanOutWidth.InputSized : declared;

                case IParameterReferenceOperation parameter when NamesABatch(parameter.Parameter.Name):
                    return FanOutWidth.Bounded; // ProcessBatchAsync(IReadOnlyList<T> batch): the caller sized it

                case IParameterReferenceOperation:
                case IFieldReferenceOperation:
                case IPropertyReferenceOperation:
                case IAwaitOperation:
                case IArrayElementReferenceOperation:
                    return FanOutWidth.InputSized;

                default:
                    return source.Type == null ? FanOutWidth.Unknown : FanOutWidth.InputSized;
            }
        }

        private FanOutWidth CountLiteral(int count, bool hasSpread)
        {
            if (hasSpread)
            {
                return FanOutWidth.InputSized;
            }

            return count <= _maxFanOut ? FanOutWidth.Small : FanOutWidth.InputSized;
        }

        private FanOutWidth ClassifyInvocation(IInvocationOperation invocation, int depth)
        {
            var method = invocation.TargetMethod;
            var name = method.Name;

            if (_types.IsEnumerableMethod(method))
            {
                switch (name)
                {
                    case "Range" when invocation.Arguments.Length == 2:
                        return ClassifyCount(ConcurrencyOperations.ArgumentFor(invocation, 1));
                    case "Repeat" when invocation.Arguments.Length == 2:
                        return ClassifyCount(ConcurrencyOperations.ArgumentFor(invocation, 1));
                    case "Empty":
                        return FanOutWidth.Small;
                    case "Take":
                    case "TakeLast":
                        return FanOutWidth.Bounded;
                    case "Chunk":
                        return FanOutWidth.InputSized; // the number of chunks grows with the input
                    case "Where":
                    case "Select":
                    case "OrderBy":
                    case "OrderByDescending":
                    case "ThenBy":
                    case "ThenByDescending":
                    case "Distinct":
                    case "DistinctBy":
                    case "Skip":
                    case "SkipWhile":
                    case "TakeWhile":
                    case "Reverse":
                    case "AsEnumerable":
                    case "ToArray":
                    case "ToList":
                    case "ToHashSet":
                    case "Cast":
                    case "OfType":
                        return invocation.Arguments.Length >= 1
                            ? Classify(invocation.Arguments[0].Value, depth + 1)
                            : FanOutWidth.Unknown;
                }

                return FanOutWidth.InputSized;
            }

            // Enum.GetValues / GetNames: a closed, small domain.
            if (SymbolEqualityComparer.Default.Equals(method.ContainingType, _types.Enum)
                && (name == "GetValues" || name == "GetNames" || name == "GetValuesAsUnderlyingType"))
            {
                return FanOutWidth.Small;
            }

            // list.GetRange(index, count), array.AsSpan(start, length), segment.Slice(...): a slice of chosen size;
            // Partitioner.Create(source).GetPartitions(dop): exactly dop partitions, each drained sequentially.
            if (name == "GetRange" || name == "Slice" || name == "GetPartitions")
            {
                return FanOutWidth.Bounded;
            }

            return FanOutWidth.InputSized;
        }

        private FanOutWidth ClassifyLocal(ILocalReferenceOperation reference, int depth)
        {
            var local = reference.Local;

            // foreach (var chunk in items.Chunk(16)) ... chunk: each wave is bounded by the chunk size.
            for (var parent = reference.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is IForEachLoopOperation loop && loop.Locals.Contains(local, SymbolEqualityComparer.Default))
                {
                    return IsBatching(ConcurrencyOperations.Unwrap(loop.Collection)) ? FanOutWidth.Bounded : FanOutWidth.InputSized;
                }

                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    break;
                }
            }

            if (NamesABatch(local.Name))
            {
                return FanOutWidth.Bounded;
            }

            var root = ConcurrencyOperations.Root(reference);
            var initializer = ConcurrencyOperations.SingleAssignment(root, local, _cancellationToken);
            if (initializer == null)
            {
                return FanOutWidth.InputSized;
            }

            var width = Classify(initializer, depth + 1);
            if (width == FanOutWidth.Small && ConcurrencyOperations.IsGrownAnywhere(root, local))
            {
                return FanOutWidth.InputSized; // var list = new List<T> { a, b }; list.Add(...) in a loop
            }

            return width;
        }

        /// <summary>
        /// A variable named batch, chunk, page, window, slice or wave holds a slice someone already sized, usually in a
        /// caller we cannot see (a loop over Chunk(n), a paged scroll). Ambiguous, so silent.
        /// </summary>
        private static bool NamesABatch(string name)
        {
            foreach (var word in BatchWords)
            {
                // batch, currentBatch, pointChunk — but not batches or pages, which hold many slices.
                if (name.EndsWith(word, System.StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private static readonly string[] BatchWords = { "batch", "chunk", "page", "window", "slice", "wave" };

        /// <summary>items.Chunk(n), MoreLinq Batch(n), Rx Buffer(n): a loop over these runs one bounded wave per element.</summary>
        private static bool IsBatching(IOperation? collection) =>
            collection is IInvocationOperation invocation
            && (invocation.TargetMethod.Name == "Chunk" || invocation.TargetMethod.Name == "Batch" || invocation.TargetMethod.Name == "Buffer");

        /// <summary>A readonly field or get-only property initialized with a literal collection, e.g. <c>static readonly string[] Regions = { "eu", "us" };</c></summary>
        private FanOutWidth ClassifyDeclaredInitializer(ISymbol symbol)
        {
            if (symbol.DeclaringSyntaxReferences.Length != 1)
            {
                return FanOutWidth.InputSized;
            }

            var syntax = symbol.DeclaringSyntaxReferences[0].GetSyntax(_cancellationToken);
            var value = syntax switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };

            var count = LiteralCount(value);
            if (count < 0)
            {
                return FanOutWidth.InputSized;
            }

            return count <= _maxFanOut ? FanOutWidth.Small : FanOutWidth.InputSized;
        }

        /// <summary>The element count of a collection literal, or -1 when the syntax is not one.</summary>
        private static int LiteralCount(ExpressionSyntax? value)
        {
            switch (value)
            {
                case InitializerExpressionSyntax initializer:
                    return initializer.Expressions.Count;
                case ArrayCreationExpressionSyntax array when array.Initializer != null:
                    return array.Initializer.Expressions.Count;
                case ImplicitArrayCreationExpressionSyntax implicitArray:
                    return implicitArray.Initializer.Expressions.Count;
                case CollectionExpressionSyntax collection when !collection.Elements.Any(e => e is SpreadElementSyntax):
                    return collection.Elements.Count;
                case BaseObjectCreationExpressionSyntax creation when creation.Initializer != null
                                                                      && creation.Initializer.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.CollectionInitializerExpression):
                    return creation.Initializer.Expressions.Count;
                default:
                    return -1;
            }
        }
    }
}
