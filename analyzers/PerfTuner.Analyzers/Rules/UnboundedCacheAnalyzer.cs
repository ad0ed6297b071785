using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
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
    /// PT0001: a cache that only ever grows.
    /// <list type="bullet">
    /// <item>A private field — static, or an instance field named like a cache — holding a mutable keyed collection that
    /// code inserts into from data, with no removal, reset or size check anywhere in the type (all partial parts and
    /// nested types). Reported on the field declaration, with the inserts as additional locations.</item>
    /// <item>A <c>new MemoryCache(options)</c> whose options object, followed inline, through <c>Options.Create</c>, a
    /// local or a readonly field in the same file, sets no SizeLimit. Reported on the creation.</item>
    /// </list>
    /// Precision first: fields visible outside their type, collections that flow anywhere the analysis cannot follow,
    /// closed key domains and options from DI are never reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UnboundedCacheAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Words (substrings, case-insensitive) that mark an instance field as a cache. Static fields need none.</summary>
        internal const string CacheNameWordsOption = "cache_name_words";

        /// <summary>Extra keyed collection types (metadata names, e.g. <c>MyCo.Collections.StripedMap`2</c>).</summary>
        internal const string CollectionTypesOption = "collection_types";

        /// <summary>Extra key types with a small closed domain (metadata names, e.g. <c>MyCo.Region</c>).</summary>
        internal const string ClosedKeyTypesOption = "closed_key_types";

        /// <summary>The SizeLimit the code fix writes (entries get Size = 1, so it is an entry count).</summary>
        internal const string SizeLimitOption = "size_limit";

        internal const int DefaultSizeLimit = 10_000;

        internal static readonly ImmutableArray<string> DefaultCacheNameWords = ImmutableArray.Create("cache", "memo");

        /// <summary>Diagnostic properties read by the code fix; present only when the fix is safe.</summary>
        internal const string SizeLimitProperty = "SizeLimit";
        internal const string FixSitesProperty = "FixSites";

        private static readonly string[] BuiltInCollectionTypes =
        {
            "System.Collections.Generic.Dictionary`2",
            "System.Collections.Generic.SortedDictionary`2",
            "System.Collections.Generic.SortedList`2",
            "System.Collections.Generic.OrderedDictionary`2",
            "System.Collections.Generic.HashSet`1",
            "System.Collections.Generic.SortedSet`1",
            "System.Collections.Generic.IDictionary`2",
            "System.Collections.Generic.ISet`1",
            "System.Collections.Concurrent.ConcurrentDictionary`2",
            "System.Collections.Hashtable",
            "System.Collections.Specialized.OrderedDictionary",
            "System.Collections.Specialized.HybridDictionary",
        };

        private static readonly string[] ReflectionKeyTypes =
        {
            "System.Reflection.MemberInfo",
            "System.Reflection.Assembly",
            "System.Reflection.Module",
            "System.Reflection.ParameterInfo",
            "System.RuntimeTypeHandle",
            "System.RuntimeMethodHandle",
            "System.RuntimeFieldHandle",
        };

        private static readonly SymbolDisplayFormat MemberFormat = new SymbolDisplayFormat(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameOnly,
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
            memberOptions: SymbolDisplayMemberOptions.IncludeParameters,
            parameterOptions: SymbolDisplayParameterOptions.IncludeType,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.UnboundedCache);

        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            // Generated code is not analysed (no Analyze flag). ReportDiagnostics only spares the driver's per-tree
            // generated-code token scan on our first report in each tree; GeneratedCodeReportFilter applies the same filter.
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            var types = CompilationTypes.Resolve(context.Compilation);
            var memoryCache = CacheMemoryCacheTypes.Resolve(context.Compilation);
            var generated = new GeneratedCodeReportFilter(context.Compilation);
            var memoryCacheWords = memoryCache is null
                ? null
                : SourceWords.Create(context.Compilation, new[] { "MemoryCache" }, wholeWords: null, context.CancellationToken);
            if (types != null || memoryCache != null)
            {
                // Both halves per tree, type by type; a candidate type's blocks are walked by the rule itself with the
                // tree's shared model (SourceOperations): operation actions would make the driver build the operation
                // tree of every body.
                context.RegisterSemanticModelAction(c =>
                {
                    var cacheWords = types is null ? default : CacheNameWords(types.Options(c.Options, c.SemanticModel.SyntaxTree).CacheNameWords);
                    bool MayMatter(TypeDeclarationSyntax declaration) => MayHoldCacheField(declaration, types != null, cacheWords, memoryCacheWords);
                    foreach (var type in SourceOperations.TypesDeclaredIn(c.SemanticModel, c.CancellationToken, MayMatter))
                    {
                        OnType(c, type, types, memoryCache, generated);
                    }
                });
            }

            if (memoryCacheWords != null)
            {
                // new MemoryCache(...) anywhere else: only members that spell MemoryCache are bound. A target-typed
                // new() spells it too in practice (in the declared type, the options type or the signature); one that
                // names it nowhere in its member is missed: a recall gap, never a false report. A member without `new`
                // creates nothing and is not bound.
                context.RegisterSemanticModelAction(c => SourceOperations.ForEach(
                    c, memoryCacheWords, wordToken: null, SourceOperations.MayCreateObjects, site => AnalyzeMemoryCacheCreation(site, memoryCache!, generated, owner: null), OperationKind.ObjectCreation));
            }
        }

        /// <summary>
        /// Both halves judge only private, non-const fields (<see cref="IsCandidate"/>, CacheMemoryCacheOwner): a
        /// collection field that is static or named like a cache, or a field whose declared type spells MemoryCache. A
        /// declaration with no such field (most types: their fields are public, or named like anything but a cache) is
        /// not even asked for its symbol. The test is a relaxation of both: the collection type itself is left to them.
        /// </summary>
        private static bool MayHoldCacheField(TypeDeclarationSyntax declaration, bool collections, ImmutableArray<string> cacheWords, SourceWords? memoryCacheWords)
        {
            var privateByDefault = !(declaration is InterfaceDeclarationSyntax); // an interface's members are public by default
            foreach (var member in declaration.Members)
            {
                if (member is FieldDeclarationSyntax field && MayBePrivate(field.Modifiers, privateByDefault))
                {
                    if (collections && (field.Modifiers.Any(SyntaxKind.StaticKeyword) || NamesCache(field.Declaration, cacheWords)))
                    {
                        return true;
                    }

                    if (memoryCacheWords != null)
                    {
                        var typeText = field.Declaration.Type.ToString();
                        if (memoryCacheWords.Mentions(typeText, new Microsoft.CodeAnalysis.Text.TextSpan(0, typeText.Length)))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        /// <summary>A non-const field that says private (not private protected), or says nothing where that means private.</summary>
        private static bool MayBePrivate(SyntaxTokenList modifiers, bool privateByDefault) =>
            !modifiers.Any(SyntaxKind.ConstKeyword)
            && !modifiers.Any(SyntaxKind.ProtectedKeyword)
            && (modifiers.Any(SyntaxKind.PrivateKeyword)
                || (privateByDefault && !modifiers.Any(SyntaxKind.PublicKeyword) && !modifiers.Any(SyntaxKind.InternalKeyword)));

        private static bool NamesCache(VariableDeclarationSyntax declaration, ImmutableArray<string> cacheWords)
        {
            foreach (var variable in declaration.Variables)
            {
                if (NameSaysCache(variable.Identifier.ValueText, cacheWords))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// A type with candidate collection fields or a tracked MemoryCache field: every operation of its own members,
        /// in source order, then the verdicts: what a symbol-start scope with operation and symbol-end actions would do.
        /// </summary>
        private static void OnType(SemanticModelAnalysisContext context, INamedTypeSymbol type, CompilationTypes? types, CacheMemoryCacheTypes? memoryCache, GeneratedCodeReportFilter generated)
        {
            var ct = context.CancellationToken;
            var candidates = types is null ? null : UnsettledFromSyntax(type, CandidateFields(type, types, context.Options, ct), ct);
            var owner = memoryCache is null ? null : CacheMemoryCacheOwner.For(type, memoryCache);
            if (candidates is null && owner is null)
            {
                return; // the common case: nothing bound, nothing paid
            }

            var initOnly = new CacheInitOnlyMethods();
            // CacheInitOnlyMethods is only asked about private methods that may grow a candidate: the calls to record
            // are the calls to those methods (and to the private methods that call them).
            var initOnlyNames = candidates is null ? null : CacheInitOnlyMethods.NamesThatMayMatter(type, candidates.Keys, ct);
            var recordCalls = initOnlyNames != null && initOnlyNames.Count > 0;

            var compilation = context.SemanticModel.Compilation;
            // Every operation the verdicts use names one of these: a candidate or tracked field, a private method
            // (for CacheInitOnlyMethods) or a MemoryCache creation. Members naming none of them are not bound, nor is
            // a field declaration that names only itself (its initializer was read from syntax above).
            var words = SourceWords.MemberNames(MemberNamesUsed(candidates, owner, initOnlyNames));
            Action<Diagnostic> report = context.ReportDiagnostic;
            foreach (var (blocks, member) in SourceOperations.OfType(
                type, context.SemanticModel, ct, words, (member, text) => member is BaseFieldDeclarationSyntax field && text != null && !SourceOperations.MentionsOutsideVariableNames(words, text, field)))
            {
                foreach (var root in blocks)
                {
                    foreach (var operation in root.DescendantsAndSelf())
                    {
                        OperationSite Site() => new OperationSite(operation, member, compilation, context.Options, report, ct);
                        switch (operation.Kind)
                        {
                            case OperationKind.FieldReference:
                                if (candidates != null)
                                {
                                    OnFieldReference(Site(), candidates);
                                }

                                owner?.AddReference((IFieldReferenceOperation)operation);
                                break;
                            case OperationKind.Invocation when recordCalls:
                            case OperationKind.MethodReference when recordCalls:
                                OnCallInType(Site(), type, initOnly);
                                break;
                            case OperationKind.ObjectCreation when owner != null:
                                AnalyzeMemoryCacheCreation(Site(), memoryCache!, generated, owner);
                                break;
                        }
                    }
                }
            }

            if (candidates != null)
            {
                OnTypeEnd(report, candidates, initOnly, generated);
            }

            if (owner != null)
            {
                ReportDeferredCreations(report, owner, memoryCache!, ct);
            }
        }

        // ---- keyed collection fields -------------------------------------------------------------------------

        private static IEnumerable<string> MemberNamesUsed(Dictionary<IFieldSymbol, CacheFieldUsage>? candidates, CacheMemoryCacheOwner? owner, HashSet<string>? initOnlyNames)
        {
            if (candidates != null)
            {
                foreach (var field in candidates.Keys)
                {
                    yield return field.Name;
                }
            }

            if (owner != null)
            {
                yield return "MemoryCache";
                foreach (var field in owner.Fields)
                {
                    yield return field.Name;
                }
            }

            if (initOnlyNames != null)
            {
                foreach (var name in initOnlyNames)
                {
                    yield return name;
                }
            }
        }

        /// <summary>The type's private collection fields that may be caches, or null when it has none (most types).</summary>
        private static Dictionary<IFieldSymbol, CacheFieldUsage>? CandidateFields(INamedTypeSymbol type, CompilationTypes types, AnalyzerOptions options, System.Threading.CancellationToken cancellationToken)
        {
            Dictionary<IFieldSymbol, CacheFieldUsage>? candidates = null;
            foreach (var member in type.GetMembers())
            {
                if (member is IFieldSymbol field && IsCandidate(field, types, options))
                {
                    candidates ??= new Dictionary<IFieldSymbol, CacheFieldUsage>(SymbolEqualityComparer.Default);
                    candidates[field] = new CacheFieldUsage(field);
                }
            }

            // Nested types are not walked with their outer type, so their uses of our fields are invisible: a field a
            // nested type so much as names is left alone (precision first).
            if (candidates != null && !type.GetTypeMembers().IsEmpty)
            {
                var named = NamesUsedInNestedTypes(type, cancellationToken);
                foreach (var usage in candidates.Values)
                {
                    if (named.Contains(usage.Field.Name))
                    {
                        usage.MarkEscapes();
                    }
                }
            }

            return candidates;
        }

        /// <summary>Records calls to (and delegates of) this type's private methods, for CacheInitOnlyMethods.</summary>
        private static void OnCallInType(OperationSite context, INamedTypeSymbol type, CacheInitOnlyMethods initOnly)
        {
            switch (context.Operation)
            {
                case IInvocationOperation invocation when IsPrivateMethodOf(invocation.TargetMethod, type):
                    var inCallback = IsInCallback(invocation);
                    initOnly.AddCall(invocation.TargetMethod.OriginalDefinition, context.ContainingSymbol, inCallback);
                    break;
                case IMethodReferenceOperation reference when IsPrivateMethodOf(reference.Method, type):
                    initOnly.AddDelegateReference(reference.Method.OriginalDefinition);
                    break;
            }
        }

        private static bool IsPrivateMethodOf(IMethodSymbol? method, INamedTypeSymbol type) =>
            method != null
            && method.DeclaredAccessibility == Accessibility.Private
            && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, type.OriginalDefinition);

        private static HashSet<string> NamesUsedInNestedTypes(INamedTypeSymbol type, System.Threading.CancellationToken cancellationToken)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var nested in type.GetTypeMembers())
            {
                foreach (var reference in nested.DeclaringSyntaxReferences)
                {
                    foreach (var token in reference.GetSyntax(cancellationToken).DescendantTokens())
                    {
                        if (token.IsKind(SyntaxKind.IdentifierToken))
                        {
                            names.Add(token.ValueText);
                        }
                    }
                }
            }

            return names;
        }

        private static bool IsCandidate(IFieldSymbol field, CompilationTypes types, AnalyzerOptions options)
        {
            // Private only: a field visible outside its type may be evicted from code this scope never sees.
            if (field.IsConst || field.IsImplicitlyDeclared || field.DeclaredAccessibility != Accessibility.Private)
            {
                return false;
            }

            var tree = field.Locations.Length > 0 ? field.Locations[0].SourceTree : null;
            if (tree is null || !(field.Type is INamedTypeSymbol collection) || collection.TypeKind == TypeKind.Error)
            {
                return false;
            }

            if (!types.IsKeyedCollection(collection.OriginalDefinition, options, tree))
            {
                return false;
            }

            if (!field.IsStatic && !NameSaysCache(field.Name, CacheNameWords(types.Options(options, tree).CacheNameWords)))
            {
                return false;
            }

            return collection.TypeArguments.Length == 0 || !types.IsClosedKey(collection.TypeArguments[0], options, tree, 0);
        }

        private static ImmutableArray<string> CacheNameWords(ImmutableArray<string> configured) => configured.IsEmpty ? DefaultCacheNameWords : configured;

        private static bool NameSaysCache(string name, ImmutableArray<string> cacheWords)
        {
            foreach (var word in cacheWords)
            {
                if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The candidates whose verdict syntax leaves open, or null when none is left: a field named in a nested type,
        /// initialized with a shared instance or removed from (<see cref="CacheBoundingCalls"/>) is never reported, so
        /// the members that use it only need not be bound.
        /// </summary>
        private static Dictionary<IFieldSymbol, CacheFieldUsage>? UnsettledFromSyntax(INamedTypeSymbol type, Dictionary<IFieldSymbol, CacheFieldUsage>? candidates, System.Threading.CancellationToken cancellationToken)
        {
            if (candidates is null)
            {
                return null;
            }

            NoteInitializersFromSyntax(candidates, cancellationToken);
            var removedFrom = CacheBoundingCalls.FieldsRemovedFrom(type, candidates.Keys.Select(field => field.Name).ToList(), cancellationToken);
            foreach (var usage in candidates.Values)
            {
                if (removedFrom.Contains(usage.Field.Name))
                {
                    usage.MarkBounded();
                }
            }

            foreach (var settled in candidates.Where(pair => pair.Value.IsSettled).Select(pair => pair.Key).ToList())
            {
                candidates.Remove(settled);
            }

            return candidates.Count == 0 ? null : candidates;
        }

        /// <summary>
        /// A candidate initialized with anything but a new collection holds a shared or factory-made instance, which
        /// its owner may bound. Read from syntax: conversions, parentheses and <c>!</c> have no effect on it, and a
        /// <c>new</c> or a collection expression is always spelled as one.
        /// </summary>
        private static void NoteInitializersFromSyntax(Dictionary<IFieldSymbol, CacheFieldUsage> candidates, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var usage in candidates.Values)
            {
                foreach (var reference in usage.Field.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: { } initializer } && !IsNewCollection(initializer.Value))
                    {
                        usage.MarkEscapes();
                    }
                }
            }
        }

        private static void OnFieldReference(OperationSite context, Dictionary<IFieldSymbol, CacheFieldUsage> candidates)
        {
            var reference = (IFieldReferenceOperation)context.Operation;
            if (reference.Field is null || !candidates.TryGetValue(reference.Field.OriginalDefinition, out var usage))
            {
                return;
            }

            for (var ancestor = reference.Parent; ancestor != null; ancestor = ancestor.Parent)
            {
                if (ancestor is INameOfOperation)
                {
                    return;
                }
            }

            if (reference.Parent is IConditionalAccessOperation conditional && conditional.Operation == reference)
            {
                // _cache?.Add(k, v): the member is applied to the conditional-access placeholder.
                var placeholder = conditional.WhenNotNull.DescendantsAndSelf().OfType<IConditionalAccessInstanceOperation>().FirstOrDefault();
                if (placeholder is null)
                {
                    usage.MarkEscapes();
                    return;
                }

                ClassifyUse(placeholder, reference, usage, context.ContainingSymbol);
                return;
            }

            ClassifyUse(reference, reference, usage, context.ContainingSymbol);
        }

        /// <summary>Decides what one use of the collection does: grow it, bound it, read it, or let it escape.</summary>
        private static void ClassifyUse(IOperation use, IFieldReferenceOperation reference, CacheFieldUsage usage, ISymbol member)
        {
            while (use.Parent is IConversionOperation conversion)
            {
                use = conversion; // ((IDictionary<K, V>)_cache).Remove(k) still removes
            }

            switch (use.Parent)
            {
                case IInvocationOperation invocation when invocation.Instance == use:
                    ClassifyMethod(invocation, invocation.TargetMethod.Name, keyOrdinal: 0, usage, member);
                    return;

                case IArgumentOperation argument:
                    ClassifyArgument(argument, usage, member);
                    return;

                case IPropertyReferenceOperation property when property.Instance == use:
                    ClassifyProperty(property, usage, member);
                    return;

                case ISimpleAssignmentOperation assignment when assignment.Target == use:
                    ClassifyAssignment(assignment, reference, usage, member);
                    return;

                case ICoalesceAssignmentOperation coalesce when coalesce.Target == use:
                    if (!IsNewCollection(coalesce.Value))
                    {
                        usage.MarkEscapes();
                    }

                    return; // _cache ??= new(): lazy initialization

                case ILockOperation _:
                case IForEachLoopOperation loop when loop.Collection == use:
                case IIsPatternOperation _:
                case IBinaryOperation _:
                    return; // lock (_cache), foreach, null checks: reads

                default:
                    usage.MarkEscapes(); // returned, aliased, captured by another object: ambiguous → silent
                    return;
            }
        }

        private static void ClassifyMethod(IInvocationOperation invocation, string name, int keyOrdinal, CacheFieldUsage usage, ISymbol member)
        {
            switch (name)
            {
                case "Add":
                case "TryAdd":
                case "GetOrAdd":
                case "AddOrUpdate":
                    AddGrowthIfFromData(invocation, KeyArgument(invocation, keyOrdinal), usage, member);
                    return;
                case "UnionWith":
                    AddGrowthIfFromData(invocation, key: null, usage, member);
                    return;
                case "Remove":
                case "TryRemove":
                case "Clear":
                case "RemoveWhere":
                case "RemoveAll":
                case "ExceptWith":
                case "IntersectWith":
                case "SymmetricExceptWith":
                case "TryTake":
                    usage.MarkBounded();
                    return;
                default:
                    if (name.StartsWith("Evict", StringComparison.Ordinal) || name.StartsWith("Trim", StringComparison.Ordinal) && name != "TrimExcess")
                    {
                        usage.MarkBounded(); // custom collections from collection_types
                    }

                    return; // TryGetValue, ContainsKey, Contains, ...: reads
            }
        }

        private static void ClassifyArgument(IArgumentOperation argument, CacheFieldUsage usage, ISymbol member)
        {
            if (!(argument.Parent is IInvocationOperation invocation) || argument.Parameter is null)
            {
                usage.MarkEscapes();
                return;
            }

            var method = invocation.TargetMethod;
            if (method.IsExtensionMethod && argument.Parameter.Ordinal == 0)
            {
                var ns = method.ContainingNamespace?.ToDisplayString();
                if (ns == "System.Linq")
                {
                    if ((method.Name == "Count" || method.Name == "LongCount") && IsSizeComparison(invocation))
                    {
                        usage.MarkBounded();
                    }

                    return; // LINQ only reads
                }

                if (ns == "System.Collections.Generic" && method.ContainingType?.Name == "CollectionExtensions")
                {
                    ClassifyMethod(invocation, method.Name, keyOrdinal: 1, usage, member); // TryAdd, Remove, GetValueOrDefault
                    return;
                }

                usage.MarkEscapes();
                return;
            }

            if (method.ContainingType?.Name == "CollectionsMarshal" && argument.Parameter.Ordinal == 0)
            {
                if (method.Name == "GetValueRefOrAddDefault")
                {
                    AddGrowthIfFromData(invocation, KeyArgument(invocation, 1), usage, member);
                }

                return; // GetValueRefOrNullRef only reads
            }

            usage.MarkEscapes();
        }

        private static void ClassifyProperty(IPropertyReferenceOperation property, CacheFieldUsage usage, ISymbol member)
        {
            if (property.Property.IsIndexer)
            {
                var isStore = (property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property)
                              || (property.Parent is ICoalesceAssignmentOperation coalesce && coalesce.Target == property);
                if (isStore)
                {
                    var key = property.Arguments.Length > 0 ? property.Arguments[0].Value : null;
                    AddGrowthIfFromData(property, key, usage, member);
                }

                return; // reads; d[k] += 1 throws for a missing key, so it never adds
            }

            if ((property.Property.Name == "Count" || property.Property.Name == "LongCount") && IsSizeComparison(property))
            {
                usage.MarkBounded();
            }
        }

        private static void ClassifyAssignment(ISimpleAssignmentOperation assignment, IFieldReferenceOperation reference, CacheFieldUsage usage, ISymbol member)
        {
            if (!IsNewCollection(assignment.Value))
            {
                usage.MarkEscapes(); // _cache = injected; or a swap to a collection built elsewhere
                return;
            }

            if (IsInitialization(assignment, member, usage.Field.IsStatic) || IsLazyInitialization(assignment, reference.Field))
            {
                return;
            }

            usage.MarkBounded(); // _cache = new(): a reset drops every entry
        }

        private static void AddGrowthIfFromData(IOperation insert, IOperation? key, CacheFieldUsage usage, ISymbol member)
        {
            if (IsInitialization(insert, member, usage.Field.IsStatic))
            {
                return; // a lookup table filled once
            }

            var keyValue = CacheMemoryCacheInspector.StripConversions(key);
            if (keyValue != null && (keyValue.ConstantValue.HasValue || keyValue is ITypeOfOperation))
            {
                return; // a constant key adds one entry at most
            }

            usage.AddGrowth(insert.Syntax.GetLocation(), member);
        }

        private static IOperation? KeyArgument(IInvocationOperation invocation, int ordinal)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Ordinal == ordinal)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        /// <summary>Constructors (static ones for static fields) and initializers run once per instance or type.</summary>
        private static bool IsInitialization(IOperation operation, ISymbol member, bool fieldIsStatic)
        {
            if (IsInCallback(operation))
            {
                return false; // a callback registered in a constructor runs later, any number of times
            }

            switch (member)
            {
                case IFieldSymbol _:
                case IPropertySymbol _:
                    return true;
                case IMethodSymbol method:
                    return fieldIsStatic ? method.MethodKind == MethodKind.StaticConstructor : method.MethodKind == MethodKind.Constructor;
                default:
                    return false;
            }
        }

        /// <summary><c>if (_cache == null) _cache = new();</c> creates the cache, it does not reset it.</summary>
        private static bool IsLazyInitialization(ISimpleAssignmentOperation assignment, IFieldSymbol field)
        {
            foreach (var ancestor in Ancestors(assignment))
            {
                if (ancestor is IConditionalOperation conditional && conditional.Condition != null)
                {
                    var checksField = conditional.Condition.DescendantsAndSelf().Any(o =>
                        o is IFieldReferenceOperation f && SymbolEqualityComparer.Default.Equals(f.Field.OriginalDefinition, field.OriginalDefinition)
                        && (f.Parent is IBinaryOperation || f.Parent is IIsPatternOperation || f.Parent is IConversionOperation));
                    if (checksField)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static bool IsInCallback(IOperation operation)
        {
            for (var ancestor = operation.Parent; ancestor != null; ancestor = ancestor.Parent)
            {
                if (ancestor is IAnonymousFunctionOperation || ancestor is ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        private static IEnumerable<IOperation> Ancestors(IOperation operation)
        {
            for (var current = operation.Parent; current != null; current = current.Parent)
            {
                yield return current;
            }
        }

        private static bool IsNewCollection(IOperation? value)
        {
            var stripped = CacheMemoryCacheInspector.StripConversions(value);
            return stripped is IObjectCreationOperation
                   || (stripped != null && stripped.Syntax.IsKind(SyntaxKind.CollectionExpression));
        }

        /// <summary>The same test on syntax (<see cref="SyntaxValues.StripConversions"/> looks through what StripConversions strips).</summary>
        private static bool IsNewCollection(ExpressionSyntax value)
        {
            var stripped = SyntaxValues.StripConversions(value);
            return stripped is BaseObjectCreationExpressionSyntax || stripped.IsKind(SyntaxKind.CollectionExpression);
        }

        /// <summary><c>_cache.Count &lt; Max</c>, <c>Count &gt;= limit</c>, <c>Count is &gt; 100</c>: someone bounds the size. <c>Count == 0</c> does not.</summary>
        private static bool IsSizeComparison(IOperation countRead)
        {
            var operand = countRead;
            while (operand.Parent is IConversionOperation conversion)
            {
                operand = conversion;
            }

            switch (operand.Parent)
            {
                case IBinaryOperation binary:
                    switch (binary.OperatorKind)
                    {
                        case BinaryOperatorKind.LessThan:
                        case BinaryOperatorKind.LessThanOrEqual:
                        case BinaryOperatorKind.GreaterThan:
                        case BinaryOperatorKind.GreaterThanOrEqual:
                            return true;
                        case BinaryOperatorKind.Equals:
                        case BinaryOperatorKind.NotEquals:
                            var other = CacheMemoryCacheInspector.StripConversions(binary.LeftOperand == operand ? binary.RightOperand : binary.LeftOperand);
                            return other != null && !(other.ConstantValue.HasValue && IsZero(other.ConstantValue.Value));
                        default:
                            return false;
                    }

                case IIsPatternOperation pattern:
                    return pattern.Pattern.DescendantsAndSelf().Any(p => p is IRelationalPatternOperation);
                default:
                    return false;
            }
        }

        /// <summary>No Convert calls: broken code may compare Count with a string, and the analyzer must not throw.</summary>
        private static bool IsZero(object? value)
        {
            switch (value)
            {
                case int i: return i == 0;
                case long l: return l == 0;
                case uint u: return u == 0;
                case ulong ul: return ul == 0;
                case short sh: return sh == 0;
                case ushort us: return us == 0;
                case byte b: return b == 0;
                case sbyte sb: return sb == 0;
                case double d: return d == 0;
                case float f: return f == 0;
                case decimal m: return m == 0;
                default: return false;
            }
        }

        private static void OnTypeEnd(Action<Diagnostic> report, Dictionary<IFieldSymbol, CacheFieldUsage> candidates, CacheInitOnlyMethods initOnly, GeneratedCodeReportFilter generated)
        {
            foreach (var usage in candidates.Values)
            {
                // Inserts in private helpers that only constructors call fill a lookup table once.
                var sites = usage.UnboundedGrowth().RemoveAll(site => initOnly.IsInitOnly(site.Member, usage.Field.IsStatic));
                if (sites.IsEmpty || usage.Field.Locations.Length == 0 || generated.IsSuppressed(usage.Field.Locations[0], usage.Field))
                {
                    continue;
                }

                var growsIn = DescribeMembers(sites);
                report(Diagnostic.Create(
                    Descriptors.UnboundedCache,
                    usage.Field.Locations[0],
                    additionalLocations: sites.Select(s => s.Location),
                    usage.Field.Name,
                    "grows in " + growsIn + " and is never evicted"));
            }
        }

        private static string DescribeMembers(ImmutableArray<CacheGrowthSite> sites)
        {
            var names = new List<string>();
            foreach (var site in sites)
            {
                var name = Describe(site.Member);
                if (!names.Contains(name))
                {
                    names.Add(name);
                }
            }

            switch (names.Count)
            {
                case 1:
                    return names[0];
                case 2:
                    return names[0] + " and " + names[1];
                default:
                    return names[0] + ", " + names[1] + " and " + (names.Count - 2).ToString(System.Globalization.CultureInfo.InvariantCulture) + " more";
            }
        }

        private static string Describe(ISymbol member)
        {
            if (member is IMethodSymbol method)
            {
                if (method.AssociatedSymbol is IPropertySymbol || method.AssociatedSymbol is IEventSymbol)
                {
                    return method.AssociatedSymbol.Name;
                }

                if (method.Name == WellKnownMemberNames.TopLevelStatementsEntryPointMethodName)
                {
                    return "top-level statements";
                }
            }

            return member.ToDisplayString(MemberFormat);
        }

        // ---- MemoryCache without SizeLimit ---------------------------------------------------------------------

        private static void ReportDeferredCreations(Action<Diagnostic> report, CacheMemoryCacheOwner owner, CacheMemoryCacheTypes types, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var deferred in owner.DeferredCreations())
            {
                var hasSites = owner.TryFindFixSites(deferred, types, out var sites, cancellationToken);
                report(MemoryCacheDiagnostic(deferred.Creation, deferred.Name, hasSites ? deferred.InlineOptions : null, sites, deferred.SizeLimit));
            }
        }

        /// <param name="owner">Null for the compilation-wide action, which leaves the creations of owner types to their scope.</param>
        private static void AnalyzeMemoryCacheCreation(OperationSite context, CacheMemoryCacheTypes types, GeneratedCodeReportFilter generated, CacheMemoryCacheOwner? owner)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (creation.Constructor is null || !SymbolEqualityComparer.Default.Equals(creation.Type, types.MemoryCache))
            {
                return;
            }

            if (owner is null && CacheMemoryCacheOwner.IsOwner(context.ContainingSymbol.ContainingType, types))
            {
                return; // analysed by the owner type's scope (OnMemoryCacheOwnerStart)
            }

            var optionsArgument = creation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0);
            if (optionsArgument is null)
            {
                return;
            }

            var verdict = CacheMemoryCacheInspector.InspectOptions(optionsArgument.Value, types, 0, out var inlineOptions, context.CancellationToken);
            if (verdict != CacheOptionsVerdict.Unbounded)
            {
                return;
            }

            if (generated.IsSuppressed(creation.Syntax.GetLocation(), context.ContainingSymbol))
            {
                return; // the driver's generated-code filter would drop the report (deferred ones included): skip the work
            }

            var field = CacheMemoryCacheInspector.ReceivingField(creation);
            var name = field?.Name ?? CacheMemoryCacheInspector.ReceivingLocal(creation)?.Name ?? "new MemoryCache(...)";
            if (inlineOptions is null || field is null)
            {
                context.ReportDiagnostic(MemoryCacheDiagnostic(creation, name, fixOptions: null, default, sizeLimit: 0));
                return;
            }

            var sizeLimit = RuleOptions.GetInt(context.Options, creation.Syntax.SyntaxTree, DiagnosticIds.UnboundedCache, SizeLimitOption, DefaultSizeLimit, min: 1);
            if (owner != null && owner.Tracks(field))
            {
                // The fix sites depend on every use of the field in the type: known once the type's walk is done.
                owner.Defer(creation, field, inlineOptions, name, sizeLimit);
                return;
            }

            var hasSites = CacheMemoryCacheInspector.TryFindFixSites(creation, field, types, out var sites, context.CancellationToken);
            context.ReportDiagnostic(MemoryCacheDiagnostic(creation, name, hasSites ? inlineOptions : null, sites, sizeLimit));
        }

        /// <param name="fixOptions">The options object the fix edits; null when no fix is safe (no properties, no additional locations).</param>
        private static Diagnostic MemoryCacheDiagnostic(IObjectCreationOperation creation, string name, IObjectCreationOperation? fixOptions, ImmutableArray<(Location Location, string Kind)> sites, int sizeLimit)
        {
            var properties = ImmutableDictionary<string, string?>.Empty;
            var additional = new List<Location>();
            if (fixOptions != null)
            {
                properties = properties
                    .Add(SizeLimitProperty, sizeLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Add(FixSitesProperty, string.Join(",", sites.Select(s => s.Kind)));
                additional.Add(fixOptions.Syntax.GetLocation());
                additional.AddRange(sites.Select(s => s.Location));
            }

            return Diagnostic.Create(
                Descriptors.UnboundedCache,
                creation.Syntax.GetLocation(),
                additional,
                properties,
                name,
                "is a MemoryCache without SizeLimit, so nothing bounds how many entries it holds");
        }

        private sealed class TreeOptions
        {
            internal TreeOptions(ImmutableArray<string> cacheNameWords, ImmutableArray<string> collectionTypes, ImmutableArray<string> closedKeyTypes)
            {
                CacheNameWords = cacheNameWords;
                CollectionTypes = collectionTypes;
                ClosedKeyTypes = closedKeyTypes;
            }

            internal ImmutableArray<string> CacheNameWords { get; }

            internal ImmutableArray<string> CollectionTypes { get; }

            internal ImmutableArray<string> ClosedKeyTypes { get; }
        }

        /// <summary>Well-known types resolved once per compilation, plus the option-named ones resolved on demand.</summary>
        private sealed class CompilationTypes
        {
            private readonly Compilation _compilation;
            private readonly ImmutableHashSet<INamedTypeSymbol> _collections;
            private readonly INamedTypeSymbol _type;
            private readonly ImmutableArray<INamedTypeSymbol> _reflection;
            private readonly ConcurrentDictionary<string, INamedTypeSymbol?> _byName = new ConcurrentDictionary<string, INamedTypeSymbol?>(StringComparer.Ordinal);
            private readonly ConcurrentDictionary<SyntaxTree, TreeOptions> _options = new ConcurrentDictionary<SyntaxTree, TreeOptions>();

            private CompilationTypes(Compilation compilation, ImmutableHashSet<INamedTypeSymbol> collections, INamedTypeSymbol type, ImmutableArray<INamedTypeSymbol> reflection)
            {
                _compilation = compilation;
                _collections = collections;
                _type = type;
                _reflection = reflection;
            }

            internal static CompilationTypes? Resolve(Compilation compilation)
            {
                var collections = BuiltInCollectionTypes
                    .Select(compilation.GetTypeByMetadataName)
                    .Where(t => t != null)
                    .Select(t => t!)
                    .ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
                var type = compilation.GetTypeByMetadataName("System.Type");
                if (collections.IsEmpty || type is null)
                {
                    return null; // no usable corlib: nothing to analyze
                }

                var reflection = ReflectionKeyTypes.Select(compilation.GetTypeByMetadataName).Where(t => t != null).Select(t => t!).ToImmutableArray();
                return new CompilationTypes(compilation, collections, type, reflection);
            }

            internal bool IsKeyedCollection(INamedTypeSymbol definition, AnalyzerOptions options, SyntaxTree tree)
            {
                if (_collections.Contains(definition))
                {
                    return true;
                }

                foreach (var name in Options(options, tree).CollectionTypes)
                {
                    if (SymbolEqualityComparer.Default.Equals(ByName(name), definition))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>Enums, bool, byte, char, System.Type and other reflection handles, and tuples of them: a bounded key space.</summary>
            internal bool IsClosedKey(ITypeSymbol key, AnalyzerOptions options, SyntaxTree tree, int depth)
            {
                if (depth > 4)
                {
                    return false;
                }

                switch (key.SpecialType)
                {
                    case SpecialType.System_Boolean:
                    case SpecialType.System_Byte:
                    case SpecialType.System_SByte:
                    case SpecialType.System_Char:
                        return true;
                }

                if (key.TypeKind == TypeKind.Enum)
                {
                    return true;
                }

                if (key is INamedTypeSymbol named)
                {
                    if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T && named.TypeArguments.Length == 1)
                    {
                        return IsClosedKey(named.TypeArguments[0], options, tree, depth + 1);
                    }

                    if (named.IsTupleType)
                    {
                        // (Type, string) is how reflection caches key members by name: bounded by the program, not by traffic.
                        return !named.TupleElements.IsEmpty
                               && (named.TupleElements.All(e => IsClosedKey(e.Type, options, tree, depth + 1))
                                   || named.TupleElements.Any(e => IsReflectionType(e.Type)));
                    }
                }

                if (IsReflectionType(key))
                {
                    return true;
                }

                foreach (var name in Options(options, tree).ClosedKeyTypes)
                {
                    if (SymbolEqualityComparer.Default.Equals(ByName(name), key.OriginalDefinition))
                    {
                        return true;
                    }
                }

                return false;
            }

            private bool IsReflectionType(ITypeSymbol key)
            {
                for (var current = key; current != null; current = current.BaseType)
                {
                    if (SymbolEqualityComparer.Default.Equals(current, _type) || _reflection.Any(r => SymbolEqualityComparer.Default.Equals(current, r)))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>The rule's list options for one tree, read once per tree instead of once per field.</summary>
            internal TreeOptions Options(AnalyzerOptions options, SyntaxTree tree) =>
                _options.GetOrAdd(tree, t => new TreeOptions(
                    RuleOptions.GetList(options, t, DiagnosticIds.UnboundedCache, CacheNameWordsOption),
                    RuleOptions.GetList(options, t, DiagnosticIds.UnboundedCache, CollectionTypesOption),
                    RuleOptions.GetList(options, t, DiagnosticIds.UnboundedCache, ClosedKeyTypesOption)));

            private INamedTypeSymbol? ByName(string metadataName) =>
                _byName.GetOrAdd(metadataName, n => _compilation.GetTypeByMetadataName(n));
        }
    }
}
