using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>The Microsoft.Extensions.Caching.Memory types PT0001 needs, resolved once per compilation.</summary>
    internal sealed class CacheMemoryCacheTypes
    {
        private CacheMemoryCacheTypes(INamedTypeSymbol memoryCache, INamedTypeSymbol options, INamedTypeSymbol? entryOptions, INamedTypeSymbol? optionsFactory, INamedTypeSymbol? memoryCacheInterface)
        {
            MemoryCache = memoryCache;
            Options = options;
            EntryOptions = entryOptions;
            OptionsFactory = optionsFactory;
            MemoryCacheInterface = memoryCacheInterface;
        }

        internal INamedTypeSymbol MemoryCache { get; }

        /// <summary>IMemoryCache: with MemoryCache, the field types whose uses PT0001 collects from the operation tree.</summary>
        internal INamedTypeSymbol? MemoryCacheInterface { get; }

        internal INamedTypeSymbol Options { get; }

        internal INamedTypeSymbol? EntryOptions { get; }

        /// <summary>Microsoft.Extensions.Options.Options (its Create method wraps an options object).</summary>
        internal INamedTypeSymbol? OptionsFactory { get; }

        internal static CacheMemoryCacheTypes? Resolve(Compilation compilation)
        {
            var memoryCache = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCache");
            var options = compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCacheOptions");
            if (memoryCache is null || options is null)
            {
                return null;
            }

            return new CacheMemoryCacheTypes(
                memoryCache,
                options,
                compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.MemoryCacheEntryOptions"),
                compilation.GetTypeByMetadataName("Microsoft.Extensions.Options.Options"),
                compilation.GetTypeByMetadataName("Microsoft.Extensions.Caching.Memory.IMemoryCache"));
        }
    }

    /// <summary>What a <c>new MemoryCache(options)</c> is given: a size limit, none, or something we cannot see (DI, IOptions).</summary>
    internal enum CacheOptionsVerdict
    {
        Unknown,
        Bounded,
        Unbounded,
    }

    /// <summary>
    /// Follows the options argument of <c>new MemoryCache(...)</c> to the <c>MemoryCacheOptions</c> object
    /// (inline, through <c>Options.Create</c>, a local or a readonly field initializer in the same file) and, when
    /// the cache lives in a private field used only in ways the code fix understands, lists the sites the fix edits.
    /// Only the semantic model of the tree being analyzed is used; anything in another file counts as unknown.
    /// </summary>
    internal static class CacheMemoryCacheInspector
    {
        /// <summary>Code fix site kinds, passed to the code fix in the diagnostic properties (one per additional location after the first).</summary>
        internal const string SiteAppendEntryOptions = "append";
        internal const string SiteRelativeExpiration = "relative";
        internal const string SiteAbsoluteExpiration = "absolute";
        internal const string SiteEntryOptionsInitializer = "initializer";
        internal const string SiteFactoryLambda = "lambda";

        private const int MaxDepth = 4;

        internal static CacheOptionsVerdict InspectOptions(IOperation? value, CacheMemoryCacheTypes types, int depth, out IObjectCreationOperation? inlineOptions, CancellationToken cancellationToken)
        {
            inlineOptions = null;
            value = StripConversions(value);
            if (value is null || depth > MaxDepth || value.Type is null || value.Type.TypeKind == TypeKind.Error)
            {
                return CacheOptionsVerdict.Unknown;
            }

            switch (value)
            {
                case IObjectCreationOperation creation when SymbolEqualityComparer.Default.Equals(creation.Type, types.Options):
                    var verdict = VerdictOfOptionsCreation(creation);
                    if (verdict == CacheOptionsVerdict.Unbounded && depth == 0 && !AssignsSizeLimit(creation))
                    {
                        inlineOptions = creation;
                    }

                    return verdict;

                case IInvocationOperation invocation
                    when invocation.TargetMethod.Name == "Create"
                         && types.OptionsFactory != null
                         && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, types.OptionsFactory)
                         && invocation.Arguments.Length == 1:
                    // Options.Create(new MemoryCacheOptions { ... }) is as inline as the object itself.
                    var wrapped = InspectOptions(invocation.Arguments[0].Value, types, depth, out inlineOptions, cancellationToken);
                    return wrapped;

                case ILocalReferenceOperation local:
                    return FollowDeclaration(local.Local, local, types, depth, cancellationToken);

                case IFieldReferenceOperation field when field.Field.IsReadOnly:
                    return FollowDeclaration(field.Field, field, types, depth, cancellationToken);

                default:
                    // Parameters (DI), IOptions<>.Value, factory calls: configured somewhere we cannot see.
                    return CacheOptionsVerdict.Unknown;
            }
        }

        /// <summary><c>SizeLimit = null</c> is unbounded, but the fix must not add a second SizeLimit next to it.</summary>
        private static bool AssignsSizeLimit(IObjectCreationOperation creation) =>
            creation.Initializer?.Initializers.Any(i => i is ISimpleAssignmentOperation a && a.Target is IPropertyReferenceOperation p && p.Property.Name == "SizeLimit") == true;

        private static CacheOptionsVerdict VerdictOfOptionsCreation(IObjectCreationOperation creation)
        {
            if (creation.Initializer is null)
            {
                return CacheOptionsVerdict.Unbounded;
            }

            foreach (var initializer in creation.Initializer.Initializers)
            {
                if (initializer is ISimpleAssignmentOperation assignment
                    && assignment.Target is IPropertyReferenceOperation property
                    && property.Property.Name == "SizeLimit")
                {
                    var assigned = StripConversions(assignment.Value);
                    var isNull = assigned is null || (assigned.ConstantValue.HasValue && assigned.ConstantValue.Value is null);
                    return isNull ? CacheOptionsVerdict.Unbounded : CacheOptionsVerdict.Bounded;
                }
            }

            return CacheOptionsVerdict.Unbounded;
        }

        /// <summary>
        /// A local or readonly field: read its initializer (same file only) and require that the options object is
        /// mentioned nowhere else in its scope except as a <c>new MemoryCache(...)</c> argument — any other mention
        /// (a <c>SizeLimit</c> assignment, a configure callback) makes the verdict unknown.
        /// </summary>
        private static CacheOptionsVerdict FollowDeclaration(ISymbol symbol, IOperation use, CacheMemoryCacheTypes types, int depth, CancellationToken cancellationToken)
        {
            var model = use.SemanticModel;
            var tree = use.Syntax.SyntaxTree;
            if (model is null || symbol.DeclaringSyntaxReferences.Length != 1)
            {
                return CacheOptionsVerdict.Unknown;
            }

            var reference = symbol.DeclaringSyntaxReferences[0];
            if (reference.SyntaxTree != tree || !(reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax declarator) || declarator.Initializer is null)
            {
                return CacheOptionsVerdict.Unknown;
            }

            SyntaxNode? scope = symbol is ILocalSymbol
                ? declarator.FirstAncestorOrSelf<SyntaxNode>(n => n is BaseMethodDeclarationSyntax || n is AccessorDeclarationSyntax || n is LocalFunctionStatementSyntax || n is AnonymousFunctionExpressionSyntax || n is CompilationUnitSyntax)
                : declarator.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (scope is null || (symbol is IFieldSymbol field && field.ContainingType.DeclaringSyntaxReferences.Length != 1))
            {
                return CacheOptionsVerdict.Unknown;
            }

            foreach (var name in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != symbol.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, symbol))
                {
                    continue;
                }

                var node = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : (ExpressionSyntax)name;
                var isMemoryCacheArgument = node.Parent is ArgumentSyntax argument
                    && argument.Parent?.Parent is ObjectCreationExpressionSyntax outer
                    && SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(outer, cancellationToken).Type, types.MemoryCache);
                if (!isMemoryCacheArgument)
                {
                    return CacheOptionsVerdict.Unknown;
                }
            }

            var initializer = model.GetOperation(declarator.Initializer.Value, cancellationToken);
            return InspectOptions(initializer, types, depth + 1, out _, cancellationToken);
        }

        /// <summary>
        /// The field that receives <paramref name="creation"/>: a field initializer or an assignment in a constructor.
        /// </summary>
        internal static IFieldSymbol? ReceivingField(IObjectCreationOperation creation)
        {
            IOperation current = creation;
            while (current.Parent is IConversionOperation conversion)
            {
                current = conversion;
            }

            switch (current.Parent)
            {
                case IFieldInitializerOperation initializer when initializer.InitializedFields.Length == 1:
                    return initializer.InitializedFields[0];
                case ISimpleAssignmentOperation assignment when assignment.Value == current && assignment.Target is IFieldReferenceOperation target:
                    return target.Field;
                default:
                    return null;
            }
        }

        /// <summary>The local that receives <paramref name="creation"/> (<c>var cache = new MemoryCache(...)</c>), for the message.</summary>
        internal static ILocalSymbol? ReceivingLocal(IObjectCreationOperation creation)
        {
            IOperation current = creation;
            while (current.Parent is IConversionOperation conversion)
            {
                current = conversion;
            }

            return current.Parent is IVariableInitializerOperation initializer && initializer.Parent is IVariableDeclaratorOperation declarator
                ? declarator.Symbol
                : null;
        }

        /// <summary>
        /// When adding SizeLimit is safe — the cache sits in a private field of a type declared in this one file, and
        /// every use of the field is a read, a removal or an insert the fix can give a Size — returns the inserts
        /// (location and kind). Otherwise returns false: with SizeLimit set, an entry without Size throws at run time.
        /// </summary>
        internal static bool TryFindFixSites(IObjectCreationOperation creation, IFieldSymbol field, CacheMemoryCacheTypes types, out ImmutableArray<(Location Location, string Kind)> sites, CancellationToken cancellationToken)
        {
            sites = ImmutableArray<(Location, string)>.Empty;
            var model = creation.SemanticModel;
            if (model is null || !CanFixField(creation, field))
            {
                return false;
            }

            var typeSyntax = field.ContainingType!.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            var builder = ImmutableArray.CreateBuilder<(Location, string)>();
            foreach (var name in typeSyntax.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != field.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol?.OriginalDefinition, field.OriginalDefinition))
                {
                    continue;
                }

                var node = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : (SyntaxNode)name;
                if (!(model.GetOperation(node, cancellationToken) is IFieldReferenceOperation reference) || !TryClassifyUse(reference, creation, types, builder))
                {
                    return false;
                }
            }

            sites = builder.ToImmutable();
            return true;
        }

        /// <summary>The fix edits only a private field of a type declared once, in the file of the creation.</summary>
        internal static bool CanFixField(IObjectCreationOperation creation, IFieldSymbol field) =>
            field.DeclaredAccessibility == Accessibility.Private
            && field.ContainingType != null
            && field.ContainingType.DeclaringSyntaxReferences.Length == 1
            && field.ContainingType.DeclaringSyntaxReferences[0].SyntaxTree == creation.Syntax.SyntaxTree;

        /// <summary>One use of the cache field: true when the fix understands it (an insert it can size is added to <paramref name="sites"/>).</summary>
        internal static bool TryClassifyUse(IFieldReferenceOperation reference, IObjectCreationOperation creation, CacheMemoryCacheTypes types, ImmutableArray<(Location, string)>.Builder sites)
        {
            IOperation use = reference;
            while (use.Parent is IConversionOperation conversion)
            {
                use = conversion;
            }

            var parent = use.Parent;
            if (parent is ISimpleAssignmentOperation assignment && assignment.Target == use)
            {
                // Only the assignment of this very cache is allowed; any other instance would not get the SizeLimit.
                return StripConversions(assignment.Value) == creation;
            }

            if (parent is IPropertyReferenceOperation property && property.Instance == use)
            {
                return property.Property.Name == "Count";
            }

            // An extension call (cache.Set(...)) passes the field as its first argument.
            var invocation = parent is IArgumentOperation argument ? argument.Parent as IInvocationOperation : parent as IInvocationOperation;
            if (invocation is null)
            {
                return false;
            }

            var method = invocation.TargetMethod;
            if (invocation.Instance == use)
            {
                // MemoryCache/IMemoryCache instance members that never insert.
                switch (method.Name)
                {
                    case "TryGetValue":
                    case "Remove":
                    case "Compact":
                    case "Clear":
                    case "Dispose":
                    case "GetCurrentStatistics":
                        return true;
                    default:
                        return false; // CreateEntry and anything unknown: the fix cannot see the entry.
                }
            }

            if (!method.IsExtensionMethod || invocation.Arguments.Length == 0 || invocation.Arguments[0] != parent || method.ContainingType?.Name != "CacheExtensions")
            {
                return false;
            }

            switch (method.Name)
            {
                case "Get":
                case "TryGetValue":
                    return true;
                case "Set":
                    return TryClassifySet(invocation, types, sites);
                case "GetOrCreate":
                case "GetOrCreateAsync":
                    return TryClassifyFactory(invocation, sites);
                default:
                    return false;
            }
        }

        private static bool TryClassifySet(IInvocationOperation invocation, CacheMemoryCacheTypes types, ImmutableArray<(Location, string)>.Builder sites)
        {
            var parameters = invocation.TargetMethod.Parameters;
            if (parameters.Length == 3)
            {
                sites.Add((invocation.Syntax.GetLocation(), SiteAppendEntryOptions));
                return true;
            }

            if (parameters.Length != 4 || invocation.Arguments.Length != 4)
            {
                return false;
            }

            var third = parameters[3].Type;
            if (third.Name == "TimeSpan" && third.ContainingNamespace?.Name == "System")
            {
                sites.Add((invocation.Syntax.GetLocation(), SiteRelativeExpiration));
                return true;
            }

            if (third.Name == "DateTimeOffset" && third.ContainingNamespace?.Name == "System")
            {
                sites.Add((invocation.Syntax.GetLocation(), SiteAbsoluteExpiration));
                return true;
            }

            if (types.EntryOptions is null || !SymbolEqualityComparer.Default.Equals(third, types.EntryOptions))
            {
                return false; // IChangeToken and unknown overloads
            }

            var argument = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 3);
            if (!(StripConversions(argument?.Value) is IObjectCreationOperation entryOptions))
            {
                return false; // an options object built elsewhere may be shared or sized already: not ours to edit
            }

            if (entryOptions.Initializer?.Initializers.Any(i => i is ISimpleAssignmentOperation a && a.Target is IPropertyReferenceOperation p && p.Property.Name == "Size") != true)
            {
                sites.Add((entryOptions.Syntax.GetLocation(), SiteEntryOptionsInitializer));
            }

            return true;
        }

        private static bool TryClassifyFactory(IInvocationOperation invocation, ImmutableArray<(Location, string)>.Builder sites)
        {
            if (invocation.TargetMethod.Parameters.Length != 3 || invocation.Arguments.Length != 3)
            {
                return false;
            }

            var factory = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 2)?.Value;
            if (!(StripConversions(factory) is IDelegateCreationOperation delegateCreation)
                || !(delegateCreation.Target is IAnonymousFunctionOperation lambda)
                || lambda.Symbol.Parameters.Length != 1
                || !(lambda.Syntax is LambdaExpressionSyntax lambdaSyntax))
            {
                return false;
            }

            var entry = lambda.Symbol.Parameters[0];
            var setsSize = lambda.Body.Descendants().Any(o =>
                (o is IPropertyReferenceOperation p && p.Property.Name == "Size" && p.Instance is IParameterReferenceOperation pr1 && SymbolEqualityComparer.Default.Equals(pr1.Parameter, entry))
                || (o is IInvocationOperation i && i.TargetMethod.Name == "SetSize"));
            if (!setsSize)
            {
                sites.Add((lambdaSyntax.GetLocation(), SiteFactoryLambda));
            }

            return true;
        }

        internal static IOperation? StripConversions(IOperation? operation)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}
