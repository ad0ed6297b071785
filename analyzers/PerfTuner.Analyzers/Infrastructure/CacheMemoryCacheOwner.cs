using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// A type that may hold a MemoryCache in a private field (PT0001). The rule's walk over the type's operations
    /// collects the <see cref="IFieldReferenceOperation"/>s of those fields, so that the code fix's sites are found
    /// after the walk from the operation tree instead of by asking the semantic model about every mention of the field.
    /// </summary>
    internal sealed class CacheMemoryCacheOwner
    {
        // Filled while the rule walks the type's operations, read once the walk is done.
        private readonly Dictionary<IFieldSymbol, List<IFieldReferenceOperation>> _references;
        private readonly List<Deferred> _deferred = new List<Deferred>();

        private CacheMemoryCacheOwner(INamedTypeSymbol type, ImmutableArray<IFieldSymbol> fields)
        {
            Type = type;
            _references = new Dictionary<IFieldSymbol, List<IFieldReferenceOperation>>(SymbolEqualityComparer.Default);
            foreach (var field in fields)
            {
                _references[field] = new List<IFieldReferenceOperation>();
            }
        }

        internal INamedTypeSymbol Type { get; }

        /// <summary>The private MemoryCache/IMemoryCache fields whose references are collected.</summary>
        internal IEnumerable<IFieldSymbol> Fields => _references.Keys;

        /// <summary>
        /// The owner for <paramref name="type"/>, or null when the type declares no private MemoryCache or IMemoryCache
        /// field, is implicitly declared, is partial, or has nested types (their code is walked with their own type,
        /// so their uses of the field would be invisible here). The same test decides, for a <c>new MemoryCache</c>,
        /// whether the compilation-wide action or the owner's walk analyses it, so every creation is analysed once.
        /// </summary>
        internal static CacheMemoryCacheOwner? For(INamedTypeSymbol? type, CacheMemoryCacheTypes types)
        {
            var fields = TrackedFields(type, types);
            return fields.IsEmpty ? null : new CacheMemoryCacheOwner(type!, fields);
        }

        internal static bool IsOwner(INamedTypeSymbol? type, CacheMemoryCacheTypes types) => !TrackedFields(type, types).IsEmpty;

        private static ImmutableArray<IFieldSymbol> TrackedFields(INamedTypeSymbol? type, CacheMemoryCacheTypes types)
        {
            if (type is null || type.IsImplicitlyDeclared || type.DeclaringSyntaxReferences.Length != 1 || !type.GetTypeMembers().IsEmpty)
            {
                return ImmutableArray<IFieldSymbol>.Empty;
            }

            ImmutableArray<IFieldSymbol>.Builder? fields = null;
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol field
                    && field.DeclaredAccessibility == Accessibility.Private
                    && !field.IsConst
                    && !field.IsImplicitlyDeclared
                    && (SymbolEqualityComparer.Default.Equals(field.Type, types.MemoryCache)
                        || (types.MemoryCacheInterface != null && SymbolEqualityComparer.Default.Equals(field.Type, types.MemoryCacheInterface))))
                {
                    fields ??= ImmutableArray.CreateBuilder<IFieldSymbol>();
                    fields.Add(field);
                }
            }

            return fields is null ? ImmutableArray<IFieldSymbol>.Empty : fields.ToImmutable();
        }

        internal bool Tracks(IFieldSymbol field) => _references.ContainsKey(field.OriginalDefinition);

        internal void AddReference(IFieldReferenceOperation reference)
        {
            if (reference.Field is null || !_references.TryGetValue(reference.Field.OriginalDefinition, out var list))
            {
                return;
            }

            list.Add(reference);
        }

        /// <summary>A diagnostic whose fix sites can only be known once every use of the field has been seen.</summary>
        internal void Defer(IObjectCreationOperation creation, IFieldSymbol field, IObjectCreationOperation inlineOptions, string name, int sizeLimit)
        {
            _deferred.Add(new Deferred(creation, field, inlineOptions, name, sizeLimit));
        }

        /// <summary>The deferred creations, in source order (called once, after the walk).</summary>
        internal IReadOnlyList<Deferred> DeferredCreations()
        {
            var copy = new List<Deferred>(_deferred);
            copy.Sort((a, b) => a.Creation.Syntax.SpanStart.CompareTo(b.Creation.Syntax.SpanStart));
            return copy;
        }

        /// <summary>
        /// The same answer as <see cref="CacheMemoryCacheInspector.TryFindFixSites"/>, from the collected references.
        /// That method classifies every identifier in the type named like the field that binds to it; when each such
        /// identifier is one of the collected references (same count, one reference per identifier), classifying the
        /// references in source order is the same computation. Otherwise (a same-named local, a mention the walk
        /// does not reach, an unusual syntax shape) it falls back to that method.
        /// </summary>
        internal bool TryFindFixSites(Deferred deferred, CacheMemoryCacheTypes types, out ImmutableArray<(Location Location, string Kind)> sites, CancellationToken cancellationToken)
        {
            if (!TryCollectedUses(deferred.Field, cancellationToken, out var uses))
            {
                return CacheMemoryCacheInspector.TryFindFixSites(deferred.Creation, deferred.Field, types, out sites, cancellationToken);
            }

            sites = ImmutableArray<(Location, string)>.Empty;
            if (deferred.Creation.SemanticModel is null || !CacheMemoryCacheInspector.CanFixField(deferred.Creation, deferred.Field))
            {
                return false;
            }

            var builder = ImmutableArray.CreateBuilder<(Location, string)>();
            foreach (var reference in uses)
            {
                if (!CacheMemoryCacheInspector.TryClassifyUse(reference, deferred.Creation, types, builder))
                {
                    return false;
                }
            }

            sites = builder.ToImmutable();
            return true;
        }

        private bool TryCollectedUses(IFieldSymbol field, CancellationToken cancellationToken, out List<IFieldReferenceOperation> uses)
        {
            uses = new List<IFieldReferenceOperation>();
            if (!_references.TryGetValue(field.OriginalDefinition, out var collected))
            {
                return false;
            }

            var typeSyntax = Type.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken);
            var mentions = 0;
            foreach (var node in typeSyntax.DescendantNodes())
            {
                if (node is IdentifierNameSyntax name && name.Identifier.ValueText == field.Name)
                {
                    mentions++;
                }
            }

            var byPosition = new SortedDictionary<int, IFieldReferenceOperation>();
            foreach (var reference in collected)
            {
                // The other method asks the semantic model about `a.b` for the `b` of a member access, else about the name.
                var name = reference.Syntax is MemberAccessExpressionSyntax access
                    ? access.Name as IdentifierNameSyntax
                    : reference.Syntax is IdentifierNameSyntax identifier && !(identifier.Parent is MemberAccessExpressionSyntax outer && outer.Name == identifier) ? identifier : null;
                if (name is null
                    || name.Identifier.ValueText != field.Name
                    || name.SyntaxTree != typeSyntax.SyntaxTree
                    || !typeSyntax.Span.Contains(name.Span)
                    || byPosition.ContainsKey(name.SpanStart))
                {
                    return false;
                }

                byPosition.Add(name.SpanStart, reference);
            }

            if (byPosition.Count != mentions)
            {
                return false;
            }

            uses.AddRange(byPosition.Values);
            return true;
        }

        internal sealed class Deferred
        {
            internal Deferred(IObjectCreationOperation creation, IFieldSymbol field, IObjectCreationOperation inlineOptions, string name, int sizeLimit)
            {
                Creation = creation;
                Field = field;
                InlineOptions = inlineOptions;
                Name = name;
                SizeLimit = sizeLimit;
            }

            internal IObjectCreationOperation Creation { get; }

            internal IFieldSymbol Field { get; }

            internal IObjectCreationOperation InlineOptions { get; }

            internal string Name { get; }

            internal int SizeLimit { get; }
        }
    }
}
