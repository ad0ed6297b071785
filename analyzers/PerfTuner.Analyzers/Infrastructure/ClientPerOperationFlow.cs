using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>What happens to a freshly created client within the operation that created it.</summary>
    internal enum ClientFate
    {
        /// <summary>Disposed before the operation ends (using declaration/statement, Dispose call).</summary>
        Disposed,

        /// <summary>Only used, never stored, returned or handed on: it dies with the operation.</summary>
        Dropped,

        /// <summary>May outlive the operation (returned, stored, passed to other code, captured): stay silent.</summary>
        Escapes,

        /// <summary>Passed to the constructor of another client type, which is judged instead.</summary>
        Wrapped,

        /// <summary>Used across the iterations of a loop or by a lambda: one instance serves many calls.</summary>
        ReusedInLoop,
    }

    /// <summary>Whether a creation opens a connection of its own, and whether it can be hoisted to a static field.</summary>
    internal static class ClientCreation
    {
        /// <summary>
        /// True when this creation builds its own connection: a client from an address, a wrapper around a channel
        /// or handler created right here, or a channel without a shared handler. Wrappers around shared channels,
        /// handlers or call invokers are cheap and stay silent.
        /// </summary>
        internal static bool OpensConnection(IObjectCreationOperation creation, ClientPerOperationTypes known)
        {
            var type = creation.Type;
            if (!known.IsClientType(type))
            {
                return true; // a type the user configured as a client: every instance counts
            }

            var constructor = creation.Constructor;
            if (constructor == null)
            {
                return false; // broken code
            }

            if (ClientPerOperationTypes.Is(type, known.HttpClient))
            {
                // new HttpClient() owns a new handler; new HttpClient(handler) is only as fresh as its handler.
                return constructor.Parameters.Length == 0 || IsCreatedHere(ArgumentValue(creation.Arguments, 0));
            }

            if (constructor.Parameters.Length == 0)
            {
                return false; // QdrantGrpcClient() exists for mocking
            }

            var first = constructor.Parameters[0].Type;
            if (first.SpecialType == SpecialType.System_String || ClientPerOperationTypes.Is(first, known.Uri))
            {
                return true; // built from an address: a new channel
            }

            // Over a QdrantGrpcClient, ChannelBase or CallInvoker: a connection only if that was made here too.
            return IsCreatedHere(ArgumentValue(creation.Arguments, 0));
        }

        /// <summary>GrpcChannel.ForAddress opens a connection unless its options share an HttpHandler or HttpClient.</summary>
        internal static bool OpensConnection(IInvocationOperation forAddress, ClientPerOperationTypes known)
        {
            foreach (var argument in forAddress.Arguments)
            {
                if (argument.Parameter == null || !ClientPerOperationTypes.Is(argument.Parameter.Type, known.GrpcChannelOptions)
                    || argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                var options = Unwrap(argument.Value);
                if (!(options is IObjectCreationOperation optionsCreation))
                {
                    return false; // options from elsewhere may carry a shared handler: ambiguous
                }

                if (optionsCreation.Initializer == null)
                {
                    continue;
                }

                foreach (var initializer in optionsCreation.Initializer.Initializers)
                {
                    if (initializer is ISimpleAssignmentOperation assignment
                        && assignment.Target is IPropertyReferenceOperation property
                        && (property.Property.Name == "HttpHandler" || property.Property.Name == "HttpClient")
                        && !IsCreatedHere(assignment.Value))
                    {
                        return false; // a shared handler pools connections across channels
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// True when the creation can move to a <c>static readonly</c> field: its arguments are constants (or
        /// static readonly fields, nested creations of constants, TimeSpan factories), its type is not generic over
        /// type parameters, and it sits in an explicitly declared class or struct.
        /// </summary>
        internal static bool IsHoistable(IOperation creation, ISymbol containingSymbol, ClientPerOperationTypes known)
        {
            if (!IsConstantLike(creation, known, depth: 0) || creation.Type == null || ContainsTypeParameter(creation.Type))
            {
                return false;
            }

            var type = containingSymbol.ContainingType;
            return type != null && !type.IsImplicitlyDeclared
                && (type.TypeKind == TypeKind.Class || type.TypeKind == TypeKind.Struct);
        }

        private static bool IsConstantLike(IOperation? operation, ClientPerOperationTypes known, int depth)
        {
            if (operation == null || depth > 8)
            {
                return false;
            }

            if (operation.ConstantValue.HasValue)
            {
                return true;
            }

            switch (operation)
            {
                case IConversionOperation conversion:
                    return IsConstantLike(conversion.Operand, known, depth + 1);
                case IDefaultValueOperation _:
                case ITypeOfOperation _:
                    return true;
                case IFieldReferenceOperation field:
                    return field.Field.IsStatic && (field.Field.IsReadOnly || field.Field.IsConst);
                case IObjectCreationOperation nested:
                    return AllConstantLike(nested.Arguments, known, depth)
                        && (nested.Initializer == null || AllInitializersConstantLike(nested.Initializer, known, depth));
                case IInvocationOperation invocation:
                    return invocation.Instance == null
                        && (known.IsChannelFactory(invocation.TargetMethod)
                            || ClientPerOperationTypes.Is(invocation.TargetMethod.ContainingType, known.TimeSpan))
                        && AllConstantLike(invocation.Arguments, known, depth);
                default:
                    return false;
            }
        }

        private static bool AllConstantLike(IEnumerable<IArgumentOperation> arguments, ClientPerOperationTypes known, int depth)
        {
            foreach (var argument in arguments)
            {
                if (!IsConstantLike(argument.Value, known, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool AllInitializersConstantLike(IObjectOrCollectionInitializerOperation initializer, ClientPerOperationTypes known, int depth)
        {
            foreach (var item in initializer.Initializers)
            {
                if (!(item is ISimpleAssignmentOperation assignment)
                    || !(assignment.Target is IPropertyReferenceOperation)
                    || !IsConstantLike(assignment.Value, known, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        private static bool ContainsTypeParameter(ITypeSymbol type)
        {
            if (type.TypeKind == TypeKind.TypeParameter || type.TypeKind == TypeKind.Error)
            {
                return true;
            }

            if (type is INamedTypeSymbol named)
            {
                foreach (var argument in named.TypeArguments)
                {
                    if (ContainsTypeParameter(argument))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static IOperation? ArgumentValue(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments, int ordinal)
        {
            foreach (var argument in arguments)
            {
                if (argument.Parameter != null && argument.Parameter.Ordinal == ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>An object created by this expression, or a local initialized with one in the same member.</summary>
        private static bool IsCreatedHere(IOperation? value)
        {
            value = Unwrap(value);
            if (value is IObjectCreationOperation || (value is IInvocationOperation invocation && invocation.TargetMethod.Name == "ForAddress"))
            {
                return true;
            }

            if (value is ILocalReferenceOperation local)
            {
                foreach (var operation in ClientFlow.RootOf(local).Descendants())
                {
                    if (operation is IVariableDeclaratorOperation declarator
                        && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local.Local))
                    {
                        var initial = Unwrap(declarator.Initializer?.Value);
                        return initial is IObjectCreationOperation
                            || (initial is IInvocationOperation call && call.TargetMethod.Name == "ForAddress");
                    }
                }
            }

            return false;
        }

        internal static IOperation? Unwrap(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }

    /// <summary>Follows a created client through the member that created it (no data-flow engine: direct uses only).</summary>
    internal static class ClientFlow
    {
        internal static IOperation RootOf(IOperation operation)
        {
            while (operation.Parent != null)
            {
                operation = operation.Parent;
            }

            return operation;
        }

        /// <summary>True when the creation runs once per iteration of a loop body in the same lambda or method.</summary>
        internal static bool IsInLoop(IOperation creation)
        {
            var child = creation;
            for (var parent = creation.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                {
                    return false;
                }

                if (parent is ILoopOperation loop && loop.Body == child)
                {
                    return true;
                }
            }

            return false;
        }

        internal static ClientFate Follow(IOperation creation, ClientPerOperationTypes known)
        {
            var current = creation;
            while (true)
            {
                var parent = current.Parent;
                switch (parent)
                {
                    case IConversionOperation _:
                        current = parent;
                        continue;
                    case IConditionalOperation conditional when conditional.WhenTrue == current || conditional.WhenFalse == current:
                        current = parent;
                        continue;
                    case IArgumentOperation argument:
                        return IsExtensionReceiver(argument) ? ClientFate.Dropped : WrappedOrEscapes(argument, known);
                    case IInvocationOperation invocation when invocation.Instance == current:
                        return IsDispose(invocation.TargetMethod) ? ClientFate.Disposed : ClientFate.Dropped;
                    case IMemberReferenceOperation member when member.Instance == current:
                        return ClientFate.Dropped;
                    case IConditionalAccessOperation access when access.Operation == current:
                        return ClientFate.Dropped;
                    case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                        return FollowLocal(declarator.Symbol, creation, IsUsingDeclarator(declarator), known);
                    case ISimpleAssignmentOperation assignment when assignment.Value == current:
                        return assignment.Target is ILocalReferenceOperation target
                            ? FollowLocal(target.Local, creation, declaredWithUsing: false, known)
                            : ClientFate.Escapes;
                    case IUsingOperation usingOperation when usingOperation.Resources == current:
                        return ClientFate.Disposed;
                    case IExpressionStatementOperation _:
                        return ClientFate.Dropped;
                    default:
                        return ClientFate.Escapes; // returned, stored, yielded, put in a collection, ...
                }
            }
        }

        private static ClientFate FollowLocal(ILocalSymbol local, IOperation creation, bool declaredWithUsing, ClientPerOperationTypes known)
        {
            var disposed = declaredWithUsing;
            var escapes = false;
            var reused = false;
            foreach (var operation in RootOf(creation).Descendants())
            {
                if (!(operation is ILocalReferenceOperation reference) || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                switch (ClassifyUse(reference, known))
                {
                    case LocalUse.Wrapped:
                        return ClientFate.Wrapped;
                    case LocalUse.Dispose:
                        disposed = true;
                        break;
                    case LocalUse.Escapes:
                        escapes = true;
                        break;
                    case LocalUse.Reused:
                        reused = true;
                        break;
                }

                if (IsRepeatedRelativeTo(reference, creation))
                {
                    reused = true;
                }
            }

            if (reused)
            {
                return ClientFate.ReusedInLoop;
            }

            if (declaredWithUsing)
            {
                return ClientFate.Disposed; // whatever it was handed to, it dies at the end of the scope
            }

            if (escapes)
            {
                return ClientFate.Escapes;
            }

            return disposed ? ClientFate.Disposed : ClientFate.Dropped;
        }

        private enum LocalUse
        {
            Use,
            Write,
            Dispose,
            Wrapped,
            Reused,
            Escapes,
        }

        private static LocalUse ClassifyUse(ILocalReferenceOperation reference, ClientPerOperationTypes known)
        {
            IOperation current = reference;
            var parent = current.Parent;
            while (parent is IConversionOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IInvocationOperation invocation when invocation.Instance == current:
                    return IsDispose(invocation.TargetMethod) ? LocalUse.Dispose : LocalUse.Use;
                case IMemberReferenceOperation member when member.Instance == current:
                    return LocalUse.Use;
                case IConditionalAccessOperation access when access.Operation == current:
                    return LocalUse.Use;
                case IUsingOperation usingOperation when usingOperation.Resources == current:
                    return LocalUse.Dispose;
                case IAssignmentOperation assignment when assignment.Target == current:
                    return LocalUse.Write;
                case IBinaryOperation _:
                case IIsPatternOperation _:
                case IIsTypeOperation _:
                case IExpressionStatementOperation _:
                    return LocalUse.Use;
                case IArgumentOperation argument:
                    if (IsExtensionReceiver(argument))
                    {
                        return LocalUse.Use;
                    }

                    switch (WrappedOrEscapes(argument, known))
                    {
                        case ClientFate.Wrapped:
                            return LocalUse.Wrapped;
                        case ClientFate.Dropped:
                            return LocalUse.Use;
                        case ClientFate.ReusedInLoop:
                            return LocalUse.Reused;
                        default:
                            return LocalUse.Escapes;
                    }
                default:
                    return LocalUse.Escapes;
            }
        }

        /// <summary>True when the argument is the receiver of an extension method (<c>http.GetFromJsonAsync(...)</c>): a use.</summary>
        private static bool IsExtensionReceiver(IArgumentOperation argument) =>
            argument.Parent is IInvocationOperation invocation
            && invocation.TargetMethod.IsExtensionMethod
            && invocation.Arguments.Length > 0
            && invocation.Arguments[0] == argument;

        /// <summary>
        /// Handed to a constructor: a known client type wraps it (that creation is judged instead); a generated gRPC
        /// client borrows the channel, so the channel lives as long as that client; anything else may keep it.
        /// </summary>
        private static ClientFate WrappedOrEscapes(IArgumentOperation argument, ClientPerOperationTypes known)
        {
            if (!(argument.Parent is IObjectCreationOperation wrapper))
            {
                return ClientFate.Escapes;
            }

            if (known.IsClientType(wrapper.Type))
            {
                return ClientFate.Wrapped;
            }

            if (known.IsGeneratedGrpcClient(wrapper.Type))
            {
                switch (Follow(wrapper, known))
                {
                    case ClientFate.Disposed:
                    case ClientFate.Dropped:
                        return ClientFate.Dropped;
                    case ClientFate.ReusedInLoop:
                        return ClientFate.ReusedInLoop;
                }
            }

            return ClientFate.Escapes;
        }

        /// <summary>
        /// A use inside a loop body or a lambda that does not also contain the creation runs many times against
        /// one instance: the client is reused, not per operation.
        /// </summary>
        private static bool IsRepeatedRelativeTo(IOperation use, IOperation creation)
        {
            var child = use;
            for (var parent = use.Parent; parent != null; child = parent, parent = parent.Parent)
            {
                if (Contains(parent, creation))
                {
                    return false; // reached a scope that also holds the creation
                }

                if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation
                    || (parent is ILoopOperation loop && loop.Body == child))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Whether <paramref name="creation"/> lies under <paramref name="scope"/>, by walking up its parents. A tree is a
        /// few dozen levels deep; a set of the creation's ancestors cost more than the rest of the flow analysis (a
        /// profile spent it taking the operations' first identity hash codes).
        /// </summary>
        private static bool Contains(IOperation scope, IOperation creation)
        {
            for (var ancestor = creation.Parent; ancestor != null; ancestor = ancestor.Parent)
            {
                if (ReferenceEquals(ancestor, scope))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsUsingDeclarator(IVariableDeclaratorOperation declarator) =>
            declarator.Parent is IVariableDeclarationOperation declaration
            && declaration.Parent is IVariableDeclarationGroupOperation group
            && (group.Parent is IUsingDeclarationOperation || (group.Parent is IUsingOperation usingOperation && usingOperation.Resources == group));

        private static bool IsDispose(IMethodSymbol method) =>
            (method.Name == "Dispose" || method.Name == "DisposeAsync") && method.Parameters.Length == 0;
    }
}
