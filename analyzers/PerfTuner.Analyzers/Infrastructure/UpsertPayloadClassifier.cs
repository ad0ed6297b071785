using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// Decides whether an upsert's payload is built per item inside a loop — a fixed handful of points
    /// (<c>new[] { point }</c>, <c>new List&lt;PointStruct&gt; { p }</c>, <c>[point]</c>), a list or UpsertPoints request
    /// created in the loop body and filled with single Adds, or a single record — rather than a batch
    /// (a Chunk, a buffer declared outside the loop, anything filled by a nested loop or AddRange, anything unknown).
    /// </summary>
    internal static class UpsertPayloadClassifier
    {
        internal static bool IsPerItem(UpsertCall call, UpsertLoopScope loop, INamedTypeSymbol? cancellationToken)
        {
            switch (call.Shape)
            {
                case UpsertPayloadShape.SingleRecord:
                    return true;
                case UpsertPayloadShape.Collection:
                    return IsPerItemCollection(call.Payload, loop, call.Invocation);
                case UpsertPayloadShape.Request:
                    return IsPerItemRequest(call.Payload, loop, call.Invocation);
                default:
                    return IsPerItemConfiguredCall(call.Invocation, loop, cancellationToken);
            }
        }

        /// <summary>
        /// A configured method is per item unless one of its arguments is a collection of records (a batch); then it is
        /// per item only when that collection is itself built per item. Vectors (float[]), payload dictionaries and
        /// strings are not batches.
        /// </summary>
        private static bool IsPerItemConfiguredCall(IInvocationOperation invocation, UpsertLoopScope loop, INamedTypeSymbol? cancellationToken)
        {
            var sawBatchArgument = false;
            foreach (var argument in invocation.Arguments)
            {
                var type = argument.Parameter?.Type;
                if (type == null || SymbolEqualityComparer.Default.Equals(type, cancellationToken) || !IsRecordCollection(type))
                {
                    continue;
                }

                if (IsPerItemCollection(argument.Value, loop, invocation))
                {
                    return true;
                }

                sawBatchArgument = true;
            }

            return !sawBatchArgument;
        }

        private static bool IsPerItemCollection(IOperation? payload, UpsertLoopScope loop, IInvocationOperation upsert)
        {
            var value = UpsertLoopScope.Strip(payload);
            if (value == null)
            {
                return false;
            }

            var fixedCount = FixedItemCount(value);
            if (fixedCount.HasValue)
            {
                return fixedCount.Value > 0;
            }

            return value is ILocalReferenceOperation local && IsPerItemLocal(local.Local, loop, upsert, requestPoints: false);
        }

        private static bool IsPerItemRequest(IOperation? payload, UpsertLoopScope loop, IInvocationOperation upsert)
        {
            var value = UpsertLoopScope.Strip(payload);
            if (value is IObjectCreationOperation creation)
            {
                var count = RequestPointCount(creation);
                return count.HasValue && count.Value > 0;
            }

            return value is ILocalReferenceOperation local && IsPerItemLocal(local.Local, loop, upsert, requestPoints: true);
        }

        /// <summary>
        /// Items in a collection literal: <c>new[] { a, b }</c>, <c>new List&lt;T&gt; { a }</c>, <c>[a]</c>; 0 for an empty
        /// creation; null when the value is not a literal or copies another collection (a spread, AddRange, a constructor argument).
        /// </summary>
        private static int? FixedItemCount(IOperation value)
        {
            var syntax = value.Syntax is ExpressionSyntax expression ? SyntaxValues.Unparenthesize(expression) : value.Syntax;

            if (syntax is CollectionExpressionSyntax collectionExpression)
            {
                foreach (var element in collectionExpression.Elements)
                {
                    if (!(element is ExpressionElementSyntax))
                    {
                        return null; // [.. other] copies a collection
                    }
                }

                return collectionExpression.Elements.Count;
            }

            switch (value)
            {
                case IArrayCreationOperation array:
                    if (array.Initializer != null)
                    {
                        return array.Initializer.ElementValues.Length;
                    }

                    return IsConstantZero(array.DimensionSizes) ? 0 : (int?)null;

                case IObjectCreationOperation creation when creation.Type != null && IsRecordCollection(creation.Type):
                    foreach (var argument in creation.Arguments)
                    {
                        if (argument.Parameter == null || argument.Parameter.Type.SpecialType != SpecialType.System_Int32)
                        {
                            return null; // new List<T>(other) copies a collection
                        }
                    }

                    return SingleAddCount(creation.Initializer);

                default:
                    return null;
            }
        }

        private static bool IsConstantZero(System.Collections.Immutable.ImmutableArray<IOperation> sizes) =>
            sizes.Length == 1 && sizes[0].ConstantValue.HasValue && sizes[0].ConstantValue.Value is int size && size == 0;

        /// <summary>Count of one-item Adds in a collection initializer; null when an Add takes a collection.</summary>
        private static int? SingleAddCount(IObjectOrCollectionInitializerOperation? initializer)
        {
            if (initializer == null)
            {
                return 0;
            }

            var count = 0;
            foreach (var item in initializer.Initializers)
            {
                if (item is IInvocationOperation add && IsSingleItemAdd(add))
                {
                    count++;
                }
                else
                {
                    return null;
                }
            }

            return count;
        }

        /// <summary>Points set in <c>new UpsertPoints { Points = { p } }</c>; null when they come from a collection.</summary>
        private static int? RequestPointCount(IObjectCreationOperation creation)
        {
            if (creation.Initializer == null)
            {
                return 0;
            }

            var count = 0;
            foreach (var item in creation.Initializer.Initializers)
            {
                if (item is IMemberInitializerOperation member
                    && member.InitializedMember is IPropertyReferenceOperation property
                    && property.Property.Name == "Points")
                {
                    var added = SingleAddCount(member.Initializer);
                    if (!added.HasValue)
                    {
                        return null;
                    }

                    count += added.Value;
                }
            }

            return count;
        }

        private static bool IsSingleItemAdd(IInvocationOperation add)
        {
            var name = add.TargetMethod.Name;
            if (name != "Add" && name != "Insert")
            {
                return false;
            }

            foreach (var argument in add.Arguments)
            {
                var type = argument.Parameter?.Type;
                if (type != null && type.SpecialType != SpecialType.System_Int32 && IsRecordCollection(type))
                {
                    return false; // RepeatedField.Add(IEnumerable<T>) adds a whole batch
                }
            }

            return true;
        }

        /// <summary>
        /// A list (or request) created inside the loop and filled there with single Adds that run once per iteration:
        /// not from a nested loop or lambda, not handed to any other method, not reassigned.
        /// </summary>
        private static bool IsPerItemLocal(ILocalSymbol local, UpsertLoopScope loop, IInvocationOperation upsert, bool requestPoints)
        {
            if (!loop.IsDeclaredInside(local))
            {
                return false; // a buffer or batch built outside the loop
            }

            int? items = null;
            foreach (var operation in loop.Operation.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        var initializer = UpsertLoopScope.Strip(declarator.Initializer?.Value
                                                                ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value);
                        if (initializer == null || items.HasValue)
                        {
                            return false;
                        }

                        items = requestPoints
                            ? (initializer is IObjectCreationOperation request ? RequestPointCount(request) : null)
                            : FixedItemCount(initializer);
                        if (!items.HasValue)
                        {
                            return false;
                        }

                        break;

                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local):
                        var use = Use(reference, requestPoints, upsert);
                        if (use == LocalUse.Escapes)
                        {
                            return false;
                        }

                        if (use == LocalUse.AddsOne)
                        {
                            if (RunsMoreThanOncePerIteration(reference, loop))
                            {
                                return false; // filled by an inner loop: a real batch per outer item
                            }

                            items = (items ?? 0) + 1;
                        }

                        break;
                }
            }

            return items.HasValue && items.Value > 0;
        }

        private enum LocalUse
        {
            Neutral,
            AddsOne,
            Escapes,
        }

        private static LocalUse Use(ILocalReferenceOperation reference, bool requestPoints, IInvocationOperation upsert)
        {
            IOperation receiver = reference;
            if (requestPoints && reference.Parent is IPropertyReferenceOperation points && points.Property.Name == "Points")
            {
                receiver = points;
            }

            var parent = receiver.Parent;
            if (parent is IInvocationOperation invocation && ReferenceEquals(invocation.Instance, receiver))
            {
                if (UpsertLoopScope.IsAddMethod(invocation.TargetMethod.Name))
                {
                    return IsSingleItemAdd(invocation) ? LocalUse.AddsOne : LocalUse.Escapes;
                }

                return LocalUse.Neutral; // Clear(), Contains(), ToString()...
            }

            if (parent is IMemberReferenceOperation)
            {
                return LocalUse.Neutral; // points.Count, request.CollectionName
            }

            var user = parent;
            while (user is IConversionOperation || user is IParenthesizedOperation)
            {
                user = user.Parent;
            }

            if (user is IArgumentOperation argument && ReferenceEquals(argument.Parent, upsert))
            {
                return LocalUse.Neutral;
            }

            if (user is IForEachLoopOperation)
            {
                return LocalUse.Neutral;
            }

            // Handed to another method, stored, returned, aliased or reassigned: too many shapes to follow.
            return LocalUse.Escapes;
        }

        /// <summary>An inner loop or lambda between the operation and the loop scope makes it run many times per iteration.</summary>
        private static bool RunsMoreThanOncePerIteration(IOperation operation, UpsertLoopScope loop)
        {
            for (var current = operation.Parent; current != null && !ReferenceEquals(current, loop.Operation); current = current.Parent)
            {
                if (current is ILoopOperation || current is IAnonymousFunctionOperation || current is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A collection of records (points, documents): not a string, a vector of numbers or a payload dictionary.</summary>
        internal static bool IsRecordCollection(ITypeSymbol type)
        {
            if (type.SpecialType == SpecialType.System_String)
            {
                return false;
            }

            ITypeSymbol? element = null;
            if (type is IArrayTypeSymbol array)
            {
                element = array.ElementType;
            }
            else
            {
                if (IsEnumerableOfT(type))
                {
                    element = ((INamedTypeSymbol)type).TypeArguments[0];
                }

                foreach (var @interface in type.AllInterfaces)
                {
                    var name = @interface.OriginalDefinition.ToDisplayString();
                    if (name == "System.Collections.Generic.IDictionary<TKey, TValue>"
                        || name == "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>")
                    {
                        return false;
                    }

                    if (element == null && IsEnumerableOfT(@interface))
                    {
                        element = @interface.TypeArguments[0];
                    }
                }
            }

            return element != null && !IsScalar(element);
        }

        private static bool IsEnumerableOfT(ITypeSymbol type) =>
            type is INamedTypeSymbol named
            && named.TypeArguments.Length == 1
            && named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T;

        /// <summary>Numbers, strings, enums and other values that are parts of one record rather than records.</summary>
        private static bool IsScalar(ITypeSymbol type)
        {
            if (type.SpecialType != SpecialType.None || type.TypeKind == TypeKind.Enum)
            {
                return true;
            }

            if (type is INamedTypeSymbol named && named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
            {
                return IsScalar(named.TypeArguments[0]);
            }

            var name = type.ToDisplayString();
            return name == "System.Guid" || name == "System.TimeSpan" || name == "System.DateTimeOffset" || name == "System.Half"
                   || name.StartsWith("System.Collections.Generic.KeyValuePair<", System.StringComparison.Ordinal);
        }
    }
}
