using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using PerfTuner.Analyzers.Infrastructure;

namespace PerfTuner.Analyzers.Rules
{
    /// <summary>
    /// PT0005, two shapes:
    /// (1) a SemaphoreSlim <c>Wait</c>/<c>WaitAsync</c> whose <c>Release</c> is not in a finally block: released after the
    ///     work in straight-line code, skipped by an early return, only in a catch, or missing altogether. Any exception in
    ///     between leaks the permit; after enough leaks every caller waits forever.
    /// (2) a SemaphoreSlim created per item of a fan-out (inside a <c>Select(async …)</c>/<c>Parallel</c> lambda, or in a
    ///     loop body that starts <c>Task.Run</c> per item) and waited by that same item: it limits nothing.
    /// Precision first: a semaphore that may be released elsewhere (another method, a releaser object it was handed to,
    /// a callback) or that is used as a signal (<c>new SemaphoreSlim(0)</c>) is left alone.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class SemaphoreMisuseAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>Diagnostic property naming the shape found; the code fix acts on <see cref="ReleasedOutsideFinally"/> and <see cref="EarlyReturn"/>.</summary>
        public const string ShapeProperty = "Shape";
        public const string ReleasedOutsideFinally = "ReleasedOutsideFinally";
        public const string EarlyReturn = "EarlyReturn";
        public const string ReleasedInCatchOnly = "ReleasedInCatchOnly";
        public const string ReleasedOnSomePaths = "ReleasedOnSomePaths";
        public const string NeverReleased = "NeverReleased";
        public const string PerItem = "PerItem";

        /// <summary>.editorconfig key (after <c>perftuner.PT0005.</c>): extra types, by metadata name, with Wait/WaitAsync/WaitOne and Release semantics.</summary>
        public const string SemaphoreTypesOption = "semaphore_types";

        /// <summary>.editorconfig key (after <c>perftuner.PT0005.</c>): <c>false</c> turns off shape (2), the per-item throttle.</summary>
        public const string PerItemOption = "per_item_throttle";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(Descriptors.SemaphoreMisuse);

        public override void Initialize(AnalysisContext context)
        {
            // Generated code is not analysed (no Analyze flag). ReportDiagnostics only spares the driver's per-tree
            // generated-code scan on our first report in each tree; GeneratedCodeReportFilter applies the same filter.
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            var semaphoreSlim = context.Compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
            if (semaphoreSlim == null)
            {
                return; // no BCL semaphore: nothing to check
            }

            var known = new KnownTypes(context.Compilation, semaphoreSlim);
            var generatedCode = new GeneratedCodeReportFilter(context.Compilation);
            var typesByOption = new ConcurrentDictionary<string, ImmutableHashSet<INamedTypeSymbol>>(StringComparer.Ordinal);

            // Options and source text per tree, read once instead of once per type and per operation block.
            var trees = new ConcurrentDictionary<SyntaxTree, TreeInfo>();
            Func<SyntaxTree, TreeInfo> treeInfo = tree => trees.GetOrAdd(tree, t => new TreeInfo(
                t.GetText().ToString(),
                SemaphoreTypes(context.Options, t, known, typesByOption),
                RuleOptions.GetBool(context.Options, t, DiagnosticIds.SemaphoreMisuse, PerItemOption, defaultValue: true)));

            // Per tree, the rule walks the blocks of its candidate types itself (SourceOperations) with the tree's
            // shared model: an operation-block action would make the driver build the operation tree of every body of
            // every such type.
            context.RegisterSemanticModelAction(treeContext =>
            {
                var ct = treeContext.CancellationToken;
                Action<Diagnostic> report = treeContext.ReportDiagnostic;
                var info = treeInfo(treeContext.SemanticModel.SyntaxTree);
                foreach (var type in SourceOperations.TypesDeclaredIn(treeContext.SemanticModel, ct, d => info.TypeNames.Words.Mentions(info.Text, d.Span)))
                {
                    // A type declared once was tested from its text by the filter above (or, for a lone partial part,
                    // has its members tested by the same names below); only one spread over files needs every part read.
                    var singleDeclaration = type.DeclaringSyntaxReferences.Length == 1;
                    if (!singleDeclaration && !TypeMayUseSemaphores(type, treeInfo, ct))
                    {
                        continue; // no block of this type could pass MayUseSemaphores
                    }

                    var state = new TypeState(type, generatedCode);
                    // A member that spells none of MayUseSemaphores' names is not even bound. The names depend on each
                    // file's options, so a type declared in several files is filtered per block only.
                    var words = singleDeclaration ? state.InterestingNames(info.TypeNames).Words : null;
                    // A semaphore created in place (= new(4)) and a member whose waits are all the canonical one are read
                    // from syntax, not bound: see ReadPlainFieldInitializers and ReadSafeMember.
                    Func<MemberDeclarationSyntax, string?, bool> readFromSyntax = (member, _) => member is BaseFieldDeclarationSyntax field
                        ? ReadPlainFieldInitializers(field, type, state, treeInfo(field.SyntaxTree).SemaphoreTypes)
                        : ReadSafeMember(member, state, treeInfo(member.SyntaxTree).SemaphoreTypes);
                    foreach (var (blocks, owner) in SourceOperations.OfType(type, treeContext.SemanticModel, ct, words, readFromSyntax))
                    {
                        var block = new OperationBlockSite(blocks, owner, report, ct);
                        var blockInfo = treeInfo(blocks[0].Syntax.SyntaxTree);
                        if (MayUseSemaphores(block, treeInfo, state.InterestingNames(blockInfo.TypeNames), blockInfo.SemaphoreTypes)) // cheap text and syntax check first
                        {
                            new BlockAnalysis(block, state, known, blockInfo.SemaphoreTypes, blockInfo.PerItem).Run();
                        }
                    }

                    state.ReportFieldWaits(report);
                }
            });
        }

        /// <summary>
        /// What the bound walk would learn from a field declaration whose initializers are plain creations
        /// (<see cref="SemaphoreFieldInitializers.ArePlain"/>): an own semaphore field created with initial count zero is
        /// a signal. Returns false, and reads nothing, for any other declaration: that one is bound and walked.
        /// </summary>
        private static bool ReadPlainFieldInitializers(BaseFieldDeclarationSyntax declaration, INamedTypeSymbol type, TypeState state, ImmutableHashSet<INamedTypeSymbol> semaphoreTypes)
        {
            if (!SemaphoreFieldInitializers.ArePlain(declaration))
            {
                return false;
            }

            foreach (var variable in declaration.Declaration.Variables)
            {
                if (!SemaphoreFieldInitializers.CreatesSignal(variable))
                {
                    continue;
                }

                foreach (var member in type.GetMembers(variable.Identifier.ValueText))
                {
                    if (member is IFieldSymbol field
                        && field.Type is INamedTypeSymbol fieldType
                        && semaphoreTypes.Contains(fieldType.OriginalDefinition)
                        && state.Owns(field.OriginalDefinition))
                    {
                        state.MarkSignal(field.OriginalDefinition);
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// What the bound walk would learn from a member whose every wait is released in a finally that protects it
        /// (<see cref="SemaphoreSafeMembers"/>): no report, and which own semaphore fields it releases in which function
        /// (a wait elsewhere with no release of its own is not reported while another function releases). Returns
        /// false, and reads nothing, for any other member: that one is bound and walked.
        /// </summary>
        private static bool ReadSafeMember(MemberDeclarationSyntax member, TypeState state, ImmutableHashSet<INamedTypeSymbol> semaphoreTypes)
        {
            var fields = state.SemaphoreFields(semaphoreTypes);
            if (fields.Count == 0 || !SemaphoreSafeMembers.TryRead(member, fields.Keys, out var releases))
            {
                return false;
            }

            foreach (var release in releases)
            {
                state.AddRelease(fields[release.Field], new FunctionKey(release.Function));
            }

            return true;
        }

        /// <summary>The identifiers that make a block worth analysing: a set for token lookups, the same names for text searches.</summary>
        private sealed class InterestingNameSet
        {
            internal InterestingNameSet(ImmutableHashSet<INamedTypeSymbol> forTypes, HashSet<string> set)
            {
                For = forTypes;
                Set = set;
                Words = SourceWords.MemberNames(set);
            }

            /// <summary>The names every block check looks for, before the type's own semaphore fields are added.</summary>
            internal static HashSet<string> BaseNames(ImmutableHashSet<INamedTypeSymbol> semaphoreTypes)
            {
                var builder = new HashSet<string>(StringComparer.Ordinal);
                builder.Add("Wait");
                builder.Add("WaitAsync");
                builder.Add("WaitOne");
                builder.Add("Release");
                foreach (var type in semaphoreTypes)
                {
                    builder.Add(type.Name);
                }

                return builder;
            }

            internal ImmutableHashSet<INamedTypeSymbol> For { get; }

            /// <summary>Never changed after construction (read from several threads).</summary>
            internal HashSet<string> Set { get; }

            /// <summary>
            /// The names as whole words, plus unicode escapes: false only when no identifier token in a span can have one
            /// of them as its value (its text would be the name, the name after <c>@</c>, or contain an escape).
            /// </summary>
            internal SourceWords Words { get; }
        }

        /// <summary>Per-tree facts the rule needs for every block of that tree.</summary>
        private sealed class TreeInfo
        {
            internal TreeInfo(string text, ImmutableHashSet<INamedTypeSymbol> semaphoreTypes, bool perItem)
            {
                Text = text;
                SemaphoreTypes = semaphoreTypes;
                PerItem = perItem;
                TypeNames = new InterestingNameSet(semaphoreTypes, InterestingNameSet.BaseNames(semaphoreTypes));
            }

            /// <summary>The names the type-level check searches for in this tree, and the base of each type's block-level set.</summary>
            internal InterestingNameSet TypeNames { get; }

            internal string Text { get; }

            internal ImmutableHashSet<INamedTypeSymbol> SemaphoreTypes { get; }

            internal bool PerItem { get; }
        }

        /// <summary>
        /// The type-level form of <see cref="MayUseSemaphores"/>: false only when no declaration of the type spells
        /// Wait, WaitAsync, WaitOne, Release or a semaphore type name as a whole word, or has a <c>\u</c> escape that
        /// could spell one. Such a type has no wait, so none of its blocks can lead to a report.
        /// (An earlier version also kept every type with a semaphore field. That selected more types but no more
        /// reports: every report needs a wait call in the type, and the field's blocks only feed the verdict on waits.)
        /// </summary>
        private static bool TypeMayUseSemaphores(INamedTypeSymbol type, Func<SyntaxTree, TreeInfo> treeInfo, System.Threading.CancellationToken cancellationToken)
        {
            var references = type.DeclaringSyntaxReferences;
            if (references.IsEmpty || type.IsImplicitlyDeclared)
            {
                return true; // e.g. the top-level statements' Program: keep the block check
            }

            foreach (var reference in references)
            {
                var info = treeInfo(reference.SyntaxTree);
                if (info.TypeNames.Words.Mentions(info.Text, reference.Span))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Every operation this rule looks at spells one of a few identifiers: a Wait/Release method, a semaphore type
        /// name or one of the type's own semaphore fields. A block with none of them is skipped without walking its
        /// operations. Field initializers of semaphore fields are always analyzed (they tell signals from throttles).
        /// </summary>
        private static bool MayUseSemaphores(OperationBlockSite block, Func<SyntaxTree, TreeInfo> treeInfo, InterestingNameSet names, ImmutableHashSet<INamedTypeSymbol> semaphoreTypes)
        {
            var owner = block.OwningSymbol;
            if (owner is IFieldSymbol field && field.Type is INamedTypeSymbol fieldType && semaphoreTypes.Contains(fieldType.OriginalDefinition))
            {
                return true;
            }

            foreach (var root in block.OperationBlocks)
            {
                if (!names.Words.Mentions(treeInfo(root.Syntax.SyntaxTree).Text, root.Syntax.Span))
                {
                    continue; // a text search rules the block out without walking its tokens
                }

                foreach (var token in root.Syntax.DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken) && names.Set.Contains(token.ValueText))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static ImmutableHashSet<INamedTypeSymbol> SemaphoreTypes(
            AnalyzerOptions options,
            SyntaxTree tree,
            KnownTypes known,
            ConcurrentDictionary<string, ImmutableHashSet<INamedTypeSymbol>> cache)
        {
            if (!RuleOptions.TryGetRaw(options, tree, DiagnosticIds.SemaphoreMisuse, SemaphoreTypesOption, out var raw))
            {
                return known.DefaultSemaphoreTypes;
            }

            return cache.GetOrAdd(raw, _ =>
            {
                var builder = known.DefaultSemaphoreTypes.ToBuilder();
                foreach (var name in RuleOptions.GetList(options, tree, DiagnosticIds.SemaphoreMisuse, SemaphoreTypesOption))
                {
                    var type = known.Compilation.GetTypeByMetadataName(name);
                    if (type != null)
                    {
                        builder.Add(type.OriginalDefinition);
                    }
                }

                return builder.ToImmutable();
            });
        }

        internal static Diagnostic CreateDiagnostic(Location location, string shape, string message) =>
            Diagnostic.Create(
                Descriptors.SemaphoreMisuse,
                location,
                ImmutableDictionary<string, string?>.Empty.Add(ShapeProperty, shape),
                message);

        internal static string MessageFor(string shape, string name, int earlyReturnLine = 0)
        {
            switch (shape)
            {
                case EarlyReturn:
                    return string.Format(CultureInfo.InvariantCulture, "'{0}' is not released on the early return at line {1}; release it in a finally block", name, earlyReturnLine);
                case ReleasedInCatchOnly:
                    return string.Format(CultureInfo.InvariantCulture, "'{0}' is released only in a catch block; every call that succeeds leaks the permit", name);
                case ReleasedOnSomePaths:
                    return string.Format(CultureInfo.InvariantCulture, "'{0}' is released on some paths only; release it in a finally block", name);
                case NeverReleased:
                    return string.Format(CultureInfo.InvariantCulture, "'{0}' is never released after this wait; every call leaks a permit", name);
                case PerItem:
                    return string.Format(CultureInfo.InvariantCulture, "'{0}' is created per item of this fan-out, so it limits nothing; create it once outside", name);
                default:
                    return string.Format(CultureInfo.InvariantCulture, "'{0}' is released outside a finally block; an exception in between leaks the permit", name);
            }
        }

        /// <summary>Types resolved once per compilation; any of them may be null in unusual compilations.</summary>
        private sealed class KnownTypes
        {
            internal KnownTypes(Compilation compilation, INamedTypeSymbol semaphoreSlim)
            {
                Compilation = compilation;
                DefaultSemaphoreTypes = ImmutableHashSet.Create<INamedTypeSymbol>(SymbolEqualityComparer.Default, semaphoreSlim);
                Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
                TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
                Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
                Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
                ParallelEnumerable = compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
                List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            }

            internal Compilation Compilation { get; }

            internal ImmutableHashSet<INamedTypeSymbol> DefaultSemaphoreTypes { get; }

            internal INamedTypeSymbol? Task { get; }

            internal INamedTypeSymbol? TaskFactory { get; }

            internal INamedTypeSymbol? Parallel { get; }

            internal INamedTypeSymbol? Enumerable { get; }

            internal INamedTypeSymbol? ParallelEnumerable { get; }

            internal INamedTypeSymbol? List { get; }
        }

        /// <summary>Identifies a method body, lambda or local function across operation blocks of one type.</summary>
        private readonly struct FunctionKey : IEquatable<FunctionKey>
        {
            internal FunctionKey(SyntaxNode node)
            {
                Tree = node.SyntaxTree;
                Span = node.Span;
            }

            internal SyntaxTree Tree { get; }

            internal TextSpan Span { get; }

            public bool Equals(FunctionKey other) => Tree == other.Tree && Span == other.Span;

            public override bool Equals(object? obj) => obj is FunctionKey other && Equals(other);

            public override int GetHashCode() => (Tree.GetHashCode() * 397) ^ Span.GetHashCode();
        }

        /// <summary>A wait on a field whose verdict needs what the whole type does with that field.</summary>
        private sealed class FieldWait
        {
            internal FieldWait(IFieldSymbol field, string shape, Location location, FunctionKey function, bool isTryOnce, int earlyReturnLine, ISymbol member)
            {
                Member = member;
                Field = field;
                Shape = shape;
                Location = location;
                Function = function;
                IsTryOnce = isTryOnce;
                EarlyReturnLine = earlyReturnLine;
            }

            internal IFieldSymbol Field { get; }

            /// <summary>The member whose operation block holds the wait (for the generated-code filter).</summary>
            internal ISymbol Member { get; }

            internal string Shape { get; }

            internal Location Location { get; }

            internal FunctionKey Function { get; }

            internal bool IsTryOnce { get; }

            internal int EarlyReturnLine { get; }
        }

        /// <summary>
        /// What one type does with its semaphore fields, gathered across all its members (and partial parts), so a wait
        /// without a local release is reported only when nothing else in the type can release that permit.
        /// </summary>
        private sealed class TypeState
        {
            // The blocks of one type are walked one after another (one semantic-model action per tree), then folded once.
            private readonly INamedTypeSymbol _type;
            private readonly List<FieldWait> _waits = new List<FieldWait>();
            private readonly List<KeyValuePair<IFieldSymbol, FunctionKey>> _releases = new List<KeyValuePair<IFieldSymbol, FunctionKey>>();
            private readonly List<IFieldSymbol> _escaped = new List<IFieldSymbol>();
            private readonly List<IFieldSymbol> _signals = new List<IFieldSymbol>();
            private readonly GeneratedCodeReportFilter _generatedCode;
            private InterestingNameSet? _names;
            private SemaphoreFieldSet? _fields;

            internal TypeState(INamedTypeSymbol type, GeneratedCodeReportFilter generatedCode)
            {
                _type = type;
                _generatedCode = generatedCode;
            }

            internal GeneratedCodeReportFilter GeneratedCode => _generatedCode;

            /// <summary>
            /// Identifiers that mark a block worth analyzing: the tree's base names (<paramref name="baseNames"/>), plus the
            /// names of the type's own semaphore fields. Most types have none and share the tree's set as it is. Computed
            /// once per type and semaphore type set.
            /// </summary>
            internal InterestingNameSet InterestingNames(InterestingNameSet baseNames)
            {
                var cached = _names;
                if (cached != null && cached.For == baseNames.For)
                {
                    return cached;
                }

                var semaphoreTypes = baseNames.For;
                HashSet<string>? names = null;
                foreach (var member in _type.GetMembers())
                {
                    if (member is IFieldSymbol field && field.Type is INamedTypeSymbol fieldType && semaphoreTypes.Contains(fieldType.OriginalDefinition)
                        && !baseNames.Set.Contains(field.Name))
                    {
                        names ??= new HashSet<string>(baseNames.Set, StringComparer.Ordinal);
                        names.Add(field.Name);
                    }
                }

                var result = names is null ? baseNames : new InterestingNameSet(semaphoreTypes, names);
                _names = result;
                return result;
            }

            /// <summary>The type's own fields of a semaphore type, by name (cached per semaphore type set).</summary>
            internal Dictionary<string, IFieldSymbol> SemaphoreFields(ImmutableHashSet<INamedTypeSymbol> semaphoreTypes)
            {
                var cached = _fields;
                if (cached != null && cached.For == semaphoreTypes)
                {
                    return cached.ByName;
                }

                var byName = new Dictionary<string, IFieldSymbol>(StringComparer.Ordinal);
                foreach (var member in _type.GetMembers())
                {
                    if (member is IFieldSymbol field && field.Type is INamedTypeSymbol fieldType && semaphoreTypes.Contains(fieldType.OriginalDefinition))
                    {
                        byName[field.Name] = field;
                    }
                }

                _fields = new SemaphoreFieldSet(semaphoreTypes, byName);
                return byName;
            }

            internal bool Owns(IFieldSymbol field) =>
                SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, _type.OriginalDefinition);

            internal void AddWait(FieldWait wait) => _waits.Add(wait);

            internal void AddRelease(IFieldSymbol field, FunctionKey function) => _releases.Add(new KeyValuePair<IFieldSymbol, FunctionKey>(field, function));

            internal void MarkEscaped(IFieldSymbol field) => _escaped.Add(field);

            internal void MarkSignal(IFieldSymbol field) => _signals.Add(field);

            internal void ReportFieldWaits(Action<Diagnostic> report)
            {
                if (_waits.Count == 0)
                {
                    return;
                }

                var facts = new TypeFacts(this);
                foreach (var wait in _waits)
                {
                    if (facts.ShouldReport(wait) && !_generatedCode.IsSuppressed(wait.Location, wait.Member))
                    {
                        report(CreateDiagnostic(
                            wait.Location,
                            wait.Shape,
                            MessageFor(wait.Shape, wait.Field.Name, wait.EarlyReturnLine)));
                    }
                }
            }

            private sealed class SemaphoreFieldSet
            {
                internal SemaphoreFieldSet(ImmutableHashSet<INamedTypeSymbol> forTypes, Dictionary<string, IFieldSymbol> byName)
                {
                    For = forTypes;
                    ByName = byName;
                }

                internal ImmutableHashSet<INamedTypeSymbol> For { get; }

                internal Dictionary<string, IFieldSymbol> ByName { get; }
            }

            /// <summary>What every block of the type found, folded into sets for the verdict on its field waits.</summary>
            private sealed class TypeFacts
            {
                private readonly TypeState _state;
                private readonly Dictionary<IFieldSymbol, HashSet<FunctionKey>> _releases = new Dictionary<IFieldSymbol, HashSet<FunctionKey>>(SymbolEqualityComparer.Default);
                private readonly HashSet<IFieldSymbol> _escaped;
                private readonly HashSet<IFieldSymbol> _signals;

                internal TypeFacts(TypeState state)
                {
                    _state = state;
                    _escaped = new HashSet<IFieldSymbol>(state._escaped, SymbolEqualityComparer.Default);
                    _signals = new HashSet<IFieldSymbol>(state._signals, SymbolEqualityComparer.Default);
                    foreach (var release in state._releases)
                    {
                        if (!_releases.TryGetValue(release.Key, out var functions))
                        {
                            functions = new HashSet<FunctionKey>();
                            _releases.Add(release.Key, functions);
                        }

                        functions.Add(release.Value);
                    }
                }

                internal bool ShouldReport(FieldWait wait)
                {
                    var field = wait.Field;
                    if (_signals.Contains(field))
                    {
                        return false; // new SemaphoreSlim(0): a signal, released by whoever produces the event
                    }

                    if (wait.Shape == ReleasedOutsideFinally || wait.Shape == EarlyReturn)
                    {
                        return true; // the method itself releases, just not safely
                    }

                    // No safe release in the waiting method: report only when nothing else can release the permit.
                    if (!_state.Owns(field)
                        || field.DeclaredAccessibility != Accessibility.Private
                        || !_state._type.GetTypeMembers().IsEmpty
                        || _escaped.Contains(field))
                    {
                        return false;
                    }

                    if (_releases.TryGetValue(field, out var functions))
                    {
                        foreach (var function in functions)
                        {
                            if (!function.Equals(wait.Function))
                            {
                                return false; // e.g. Acquire()/Dispose() or producer/consumer: released in another method
                            }
                        }
                    }

                    return !(wait.Shape == NeverReleased && wait.IsTryOnce);
                }
            }
        }

        /// <summary>A Wait or Release call found in the block, with where it sits.</summary>
        private sealed class Call
        {
            internal Call(IInvocationOperation invocation, SemaphoreCallKind kind, ISymbol symbol, IOperation function)
            {
                Invocation = invocation;
                Kind = kind;
                Symbol = symbol;
                Function = function;
            }

            internal IInvocationOperation Invocation { get; }

            internal SemaphoreCallKind Kind { get; }

            internal ISymbol Symbol { get; }

            internal IOperation Function { get; }

            internal TextSpan Span => Invocation.Syntax.Span;
        }

        /// <summary>One pass over one operation block (a method body, accessor, field initializer…).</summary>
        private sealed class BlockAnalysis
        {
            private readonly OperationBlockSite _context;
            private readonly TypeState _state;
            private readonly KnownTypes _known;
            private readonly ImmutableHashSet<INamedTypeSymbol> _semaphoreTypes;
            private readonly bool _perItem;
            private readonly List<Call> _calls = new List<Call>();
            private readonly List<IObjectCreationOperation> _creations = new List<IObjectCreationOperation>();
            private readonly List<IOperation> _exits = new List<IOperation>();
            private readonly List<ILocalReferenceOperation> _localReferences = new List<ILocalReferenceOperation>();
            private readonly HashSet<ILocalSymbol> _signalLocals = new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default);
            private readonly Dictionary<ILocalSymbol, IOperation> _localDeclarations = new Dictionary<ILocalSymbol, IOperation>(SymbolEqualityComparer.Default);

            internal BlockAnalysis(OperationBlockSite context, TypeState state, KnownTypes known, ImmutableHashSet<INamedTypeSymbol> semaphoreTypes, bool perItem)
            {
                _context = context;
                _state = state;
                _known = known;
                _semaphoreTypes = semaphoreTypes;
                _perItem = perItem;
            }

            internal void Run()
            {
                foreach (var root in _context.OperationBlocks)
                {
                    Collect(root);
                }

                foreach (var call in _calls)
                {
                    if (call.Kind == SemaphoreCallKind.Wait)
                    {
                        AnalyzeWait(call);
                    }
                }

                if (_perItem)
                {
                    foreach (var creation in _creations)
                    {
                        AnalyzeCreation(creation);
                    }
                }
            }

            // ---------------------------------------------------------------- collection

            private void Collect(IOperation root)
            {
                foreach (var operation in root.DescendantsAndSelf())
                {
                    switch (operation)
                    {
                        case IInvocationOperation invocation:
                            CollectCall(invocation);
                            break;
                        case IObjectCreationOperation creation when IsSemaphoreType(creation.Type):
                            _creations.Add(creation);
                            NoteCreationTarget(creation);
                            break;
                        case IReturnOperation exit when exit.Kind != OperationKind.YieldReturn:
                            _exits.Add(exit);
                            break;
                        case IFieldReferenceOperation fieldReference when IsSemaphoreType(fieldReference.Type):
                            NoteFieldUse(fieldReference);
                            break;
                        case ILocalReferenceOperation localReference when IsSemaphoreType(localReference.Type):
                            _localReferences.Add(localReference);
                            break;
                        case IVariableDeclaratorOperation declarator when IsSemaphoreType(declarator.Symbol.Type):
                            _localDeclarations[declarator.Symbol] = FunctionOf(declarator);
                            break;
                        case IFieldInitializerOperation initializer:
                            NoteFieldInitializer(initializer);
                            break;
                    }
                }
            }

            private void CollectCall(IInvocationOperation invocation)
            {
                var kind = SemaphoreCalls.Classify(invocation, _semaphoreTypes);
                if (kind == SemaphoreCallKind.None)
                {
                    return;
                }

                var symbol = SemaphoreCalls.SemaphoreSymbol(SemaphoreCalls.Receiver(invocation));
                if (symbol == null)
                {
                    return; // _locks[key].Wait(), GetGate().WaitAsync(): not a variable we can follow
                }

                var function = FunctionOf(invocation);
                _calls.Add(new Call(invocation, kind, symbol, function));
                if (kind == SemaphoreCallKind.Release && symbol is IFieldSymbol field && _state.Owns(field))
                {
                    _state.AddRelease(field, new FunctionKey(function.Syntax));
                }
            }

            private void NoteCreationTarget(IObjectCreationOperation creation)
            {
                if (!IsSignal(creation))
                {
                    return;
                }

                switch (TargetOf(creation))
                {
                    case ILocalSymbol local:
                        _signalLocals.Add(local);
                        break;
                    case IFieldSymbol field when _state.Owns(field.OriginalDefinition):
                        _state.MarkSignal(field.OriginalDefinition);
                        break;
                }
            }

            private void NoteFieldInitializer(IFieldInitializerOperation initializer)
            {
                var value = SemaphoreCalls.Unwrap(initializer.Value);
                foreach (var field in initializer.InitializedFields)
                {
                    if (!IsSemaphoreType(field.Type) || !_state.Owns(field.OriginalDefinition))
                    {
                        continue;
                    }

                    if (value is IObjectCreationOperation creation)
                    {
                        if (IsSignal(creation))
                        {
                            _state.MarkSignal(field.OriginalDefinition);
                        }
                    }
                    else
                    {
                        _state.MarkEscaped(field.OriginalDefinition); // shared with whoever handed it over
                    }
                }
            }

            /// <summary>Any use of an own semaphore field other than calling it or assigning it a new instance: someone else may release it.</summary>
            private void NoteFieldUse(IFieldReferenceOperation reference)
            {
                var field = reference.Field.OriginalDefinition;
                if (!_state.Owns(field))
                {
                    return;
                }

                var parent = reference.Parent;
                switch (parent)
                {
                    case IInvocationOperation invocation when invocation.Instance == reference:
                    case IPropertyReferenceOperation property when property.Instance == reference:
                    case IConditionalAccessOperation access when access.Operation == reference:
                    case INameOfOperation _:
                        return;
                    case ISimpleAssignmentOperation assignment when assignment.Target == reference:
                        if (!(SemaphoreCalls.Unwrap(assignment.Value) is IObjectCreationOperation))
                        {
                            _state.MarkEscaped(field);
                        }

                        return;
                    default:
                        _state.MarkEscaped(field);
                        return;
                }
            }

            // ---------------------------------------------------------------- shape 1: waits

            private void AnalyzeWait(Call wait)
            {
                var function = wait.Function;
                var nextWait = NextWaitStart(wait);
                var after = new List<Call>();
                var releasesInFunction = 0;
                foreach (var call in _calls)
                {
                    if (call.Kind != SemaphoreCallKind.Release || call.Function != function
                        || !SymbolEqualityComparer.Default.Equals(call.Symbol, wait.Symbol))
                    {
                        continue;
                    }

                    releasesInFunction++;
                    if (call.Span.Start >= wait.Span.End && call.Span.Start < nextWait)
                    {
                        after.Add(call);
                    }
                }

                foreach (var release in _calls)
                {
                    if (release.Kind == SemaphoreCallKind.Release && release.Function == function
                        && SymbolEqualityComparer.Default.Equals(release.Symbol, wait.Symbol)
                        && ProtectsFromFinally(release, wait, nextWait))
                    {
                        return; // the canonical wait; try { … } finally { Release(); } (or a flag checked in finally)
                    }
                }

                var waitStatement = StatementOf(wait.Invocation, function);
                Call? mainPathRelease = null;
                var catchAllRelease = false;
                var catchRelease = false;
                foreach (var release in after)
                {
                    var clause = CatchClauseOf(release.Invocation, function);
                    if (clause != null)
                    {
                        catchRelease = true;
                        catchAllRelease |= IsCatchAll(clause);
                    }
                    else if (mainPathRelease == null && waitStatement != null && IsOnMainPath(release, waitStatement))
                    {
                        mainPathRelease = release;
                    }
                }

                string shape;
                var earlyReturnLine = 0;
                if (mainPathRelease != null)
                {
                    if (catchAllRelease || NothingInBetweenCanThrow(waitStatement!, mainPathRelease))
                    {
                        return; // a hand-written finally (release in catch-all and after), or nothing in between can throw
                    }

                    var exit = IsStandaloneWait(wait) ? FirstExitBetween(wait, mainPathRelease, after) : null;
                    if (exit != null)
                    {
                        shape = EarlyReturn;
                        earlyReturnLine = exit.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    }
                    else
                    {
                        shape = ReleasedOutsideFinally;
                    }
                }
                else if (catchRelease)
                {
                    shape = ReleasedInCatchOnly;
                }
                else if (after.Count > 0)
                {
                    shape = ReleasedOnSomePaths;
                }
                else
                {
                    if (releasesInFunction > 0)
                    {
                        return; // released earlier in the same function: a loop or a signal, not a leak we can prove
                    }

                    shape = NeverReleased;
                }

                var location = wait.Invocation.Syntax.GetLocation();
                switch (wait.Symbol)
                {
                    case IFieldSymbol field:
                        _state.AddWait(new FieldWait(field, shape, location, new FunctionKey(function.Syntax), IsTryOnce(wait.Invocation), earlyReturnLine, _context.OwningSymbol));
                        break;
                    case ILocalSymbol local when _signalLocals.Contains(local) || IsPrivateToOneRun(local, wait):
                        break;
                    default:
                        // Locals, parameters and properties can be released by code we cannot see; only report the
                        // shapes where this method itself releases, but not safely.
                        if ((shape == ReleasedOutsideFinally || shape == EarlyReturn) && !_state.GeneratedCode.IsSuppressed(location, _context.OwningSymbol))
                        {
                            _context.ReportDiagnostic(CreateDiagnostic(location, shape, MessageFor(shape, wait.Symbol.Name, earlyReturnLine)));
                        }

                        break;
                }
            }

            /// <summary>
            /// A local semaphore that only one run of one function ever sees (declared and used in the same function,
            /// never captured by a lambda, the wait not in a loop): a leaked permit there blocks nobody.
            /// </summary>
            private bool IsPrivateToOneRun(ILocalSymbol local, Call wait)
            {
                if (!_localDeclarations.TryGetValue(local, out var declaredIn) || declaredIn != wait.Function)
                {
                    return false;
                }

                foreach (var reference in _localReferences)
                {
                    if (SymbolEqualityComparer.Default.Equals(reference.Local, local) && FunctionOf(reference) != wait.Function)
                    {
                        return false;
                    }
                }

                for (var current = wait.Invocation.Parent; current != null && current != wait.Function; current = current.Parent)
                {
                    if (current is ILoopOperation)
                    {
                        return false;
                    }
                }

                return true;
            }

            /// <summary>
            /// A release in a finally protects a wait that sits in that try's body (the "taken" flag pattern) or comes
            /// before the try statement (the canonical acquire-then-try shape, with any timeout check in between).
            /// </summary>
            private static bool ProtectsFromFinally(Call release, Call wait, int nextWait)
            {
                for (var current = release.Invocation.Parent; current != null && current != release.Function; current = current.Parent)
                {
                    if (current.Parent is ITryOperation tryOperation && tryOperation.Finally == current)
                    {
                        var start = tryOperation.Syntax.SpanStart;
                        if ((start >= wait.Span.End && start < nextWait) || tryOperation.Body.Syntax.Span.Contains(wait.Span))
                        {
                            return true;
                        }
                    }
                }

                return false;
            }

            /// <summary>Where the next wait on the same semaphore in the same function starts: releases after it pair with that wait.</summary>
            private int NextWaitStart(Call wait)
            {
                var next = int.MaxValue;
                foreach (var call in _calls)
                {
                    if (call.Kind == SemaphoreCallKind.Wait && call != wait && call.Function == wait.Function
                        && call.Span.Start >= wait.Span.End && call.Span.Start < next
                        && SymbolEqualityComparer.Default.Equals(call.Symbol, wait.Symbol))
                    {
                        next = call.Span.Start;
                    }
                }

                return next;
            }

            private static ICatchClauseOperation? CatchClauseOf(IOperation operation, IOperation function)
            {
                for (var current = operation.Parent; current != null && current != function; current = current.Parent)
                {
                    if (current is ICatchClauseOperation clause)
                    {
                        return clause;
                    }
                }

                return null;
            }

            private static bool IsCatchAll(ICatchClauseOperation clause) =>
                clause.Filter == null
                && (clause.ExceptionType == null
                    || clause.ExceptionType.SpecialType == SpecialType.System_Object
                    || (clause.ExceptionType.Name == "Exception" && clause.ExceptionType.ContainingNamespace?.ToDisplayString() == "System"));

            /// <summary>The statements of a block or of a switch section; empty for anything else.</summary>
            private static ImmutableArray<IOperation> StatementsOf(IOperation? container)
            {
                switch (container)
                {
                    case IBlockOperation block:
                        return block.Operations;
                    case ISwitchCaseOperation section:
                        return section.Body;
                    default:
                        return ImmutableArray<IOperation>.Empty;
                }
            }

            private static bool HoldsStatements(IOperation? container) => container is IBlockOperation || container is ISwitchCaseOperation;

            /// <summary>The statement (a direct child of a block or switch section) that contains <paramref name="operation"/>.</summary>
            private static IOperation? StatementOf(IOperation operation, IOperation function)
            {
                for (var current = operation; current != null && current != function; current = current.Parent)
                {
                    if (HoldsStatements(current.Parent))
                    {
                        return current;
                    }
                }

                return null;
            }

            /// <summary>
            /// A release runs on the wait's main path when it is a statement of the wait's block or of an enclosing block,
            /// or of the then-branch of <c>if (await s.WaitAsync(timeout)) { … }</c>. Releases inside other branches
            /// belong to paths we cannot judge (a failure path of an acquire-and-hand-off method, for instance).
            /// </summary>
            private static bool IsOnMainPath(Call release, IOperation waitStatement)
            {
                if (!(release.Invocation.Parent is IExpressionStatementOperation statement) || !HoldsStatements(statement.Parent))
                {
                    return false;
                }

                var releaseBlock = statement.Parent!;

                // The body of a try, using or lock statement runs on the path of the statement itself.
                while (releaseBlock.Parent is ITryOperation || releaseBlock.Parent is IUsingOperation || releaseBlock.Parent is ILockOperation)
                {
                    var owner = releaseBlock.Parent!;
                    var isBody = (owner is ITryOperation tryOperation && tryOperation.Body == releaseBlock)
                        || (owner is IUsingOperation usingOperation && usingOperation.Body == releaseBlock)
                        || (owner is ILockOperation lockOperation && lockOperation.Body == releaseBlock);
                    var outer = owner.Parent;
                    if (!isBody || outer == null || !HoldsStatements(outer) || owner.Syntax.Span.Contains(waitStatement.Syntax.Span))
                    {
                        break;
                    }

                    releaseBlock = outer;
                }

                if (waitStatement is IConditionalOperation conditional
                    && conditional.WhenTrue == releaseBlock
                    && !IsNegated(conditional.Condition))
                {
                    return true;
                }

                for (IOperation? block = waitStatement.Parent; block != null; block = block.Parent)
                {
                    if (block == releaseBlock)
                    {
                        return true;
                    }

                    if (block is IAnonymousFunctionOperation || block is ILocalFunctionOperation)
                    {
                        return false;
                    }
                }

                return false;
            }

            private static bool IsNegated(IOperation condition) =>
                condition is IUnaryOperation unary && unary.OperatorKind == UnaryOperatorKind.Not;

            /// <summary>
            /// True when every statement between the wait and the release is plain data movement (assignments of locals,
            /// fields, parameters and constants): nothing there can throw, so nothing can leak the permit.
            /// </summary>
            private static bool NothingInBetweenCanThrow(IOperation waitStatement, Call release)
            {
                if (!(release.Invocation.Parent is IExpressionStatementOperation releaseStatement) || releaseStatement.Parent != waitStatement.Parent)
                {
                    return false;
                }

                var operations = StatementsOf(waitStatement.Parent);
                var start = operations.IndexOf(waitStatement);
                var end = operations.IndexOf(releaseStatement);
                if (start < 0 || end <= start)
                {
                    return false;
                }

                for (var i = start + 1; i < end; i++)
                {
                    foreach (var operation in operations[i].DescendantsAndSelf())
                    {
                        if (!CannotThrow(operation))
                        {
                            return false;
                        }
                    }
                }

                return true;
            }

            private static bool CannotThrow(IOperation operation)
            {
                switch (operation)
                {
                    case IExpressionStatementOperation _:
                    case ISimpleAssignmentOperation _:
                    case ILocalReferenceOperation _:
                    case IParameterReferenceOperation _:
                    case ILiteralOperation _:
                    case IInstanceReferenceOperation _:
                    case IDefaultValueOperation _:
                    case IVariableDeclarationGroupOperation _:
                    case IVariableDeclarationOperation _:
                    case IVariableDeclaratorOperation _:
                    case IVariableInitializerOperation _:
                        return true;
                    case IFieldReferenceOperation field:
                        return field.Instance == null || field.Instance is IInstanceReferenceOperation;
                    case IConversionOperation conversion:
                        return conversion.IsImplicit && !conversion.Conversion.IsUserDefined;
                    default:
                        return false;
                }
            }

            /// <summary>True for <c>await s.WaitAsync(ct);</c> (optionally <c>.ConfigureAwait(false)</c>) / <c>s.Wait();</c> whose result is not looked at.</summary>
            private static bool IsStandaloneWait(Call wait)
            {
                var parent = wait.Invocation.Parent;
                if (parent is IInvocationOperation configureAwait && configureAwait.Instance == wait.Invocation && configureAwait.TargetMethod.Name == "ConfigureAwait")
                {
                    parent = configureAwait.Parent;
                }

                if (parent is IAwaitOperation await)
                {
                    parent = await.Parent;
                }

                return parent is IExpressionStatementOperation;
            }

            /// <summary><c>Wait(0)</c>/<c>WaitAsync(0)</c>: a try-once gate, not a throttle.</summary>
            private static bool IsTryOnce(IInvocationOperation wait)
            {
                if (wait.Arguments.IsEmpty)
                {
                    return false;
                }

                var constant = wait.Arguments[0].Value.ConstantValue;
                return constant.HasValue && constant.Value is int value && value == 0;
            }

            /// <summary>
            /// The first return between the wait and its release that leaves without releasing: a return preceded, in
            /// its own or an enclosing statement list, by a release of the same semaphore is a path that did release.
            /// </summary>
            private IOperation? FirstExitBetween(Call wait, Call release, List<Call> releases)
            {
                IOperation? first = null;
                foreach (var exit in _exits)
                {
                    var start = exit.Syntax.SpanStart;
                    if (start > wait.Span.End && start < release.Span.Start && FunctionOf(exit) == wait.Function
                        && (first == null || start < first.Syntax.SpanStart)
                        && !ReleasedBefore(exit, releases))
                    {
                        first = exit;
                    }
                }

                return first;
            }

            private static bool ReleasedBefore(IOperation exit, List<Call> releases)
            {
                foreach (var release in releases)
                {
                    var container = release.Invocation.Parent is IExpressionStatementOperation statement ? statement.Parent : null;
                    if (container != null && HoldsStatements(container)
                        && release.Span.End <= exit.Syntax.SpanStart
                        && container.Syntax.Span.Contains(exit.Syntax.Span))
                    {
                        return true;
                    }
                }

                return false;
            }

            // ---------------------------------------------------------------- shape 2: per-item throttles

            private void AnalyzeCreation(IObjectCreationOperation creation)
            {
                if (IsSignal(creation) || !(TargetOf(creation) is ILocalSymbol local))
                {
                    return;
                }

                var scope = PerItemScope(creation, out var isLoop);
                if (scope == null || LocalEscapes(local))
                {
                    return;
                }

                foreach (var call in _calls)
                {
                    if (call.Kind == SemaphoreCallKind.Wait
                        && SymbolEqualityComparer.Default.Equals(call.Symbol, local)
                        && scope.Syntax.Span.Contains(call.Span)
                        && IsWaitedOncePerItem(call.Invocation, scope, requireTaskRun: isLoop))
                    {
                        var location = creation.Syntax.GetLocation();
                        if (!_state.GeneratedCode.IsSuppressed(location, _context.OwningSymbol))
                        {
                            _context.ReportDiagnostic(CreateDiagnostic(location, PerItem, MessageFor(PerItem, local.Name)));
                        }

                        return;
                    }
                }
            }

            /// <summary>
            /// The per-item scope around a creation: the nearest enclosing fan-out lambda, or the body of the nearest
            /// enclosing loop (then the item's work must run in a Task.Run started by that iteration).
            /// </summary>
            private IOperation? PerItemScope(IOperation creation, out bool isLoop)
            {
                isLoop = false;
                for (var current = creation.Parent; current != null; current = current.Parent)
                {
                    switch (current)
                    {
                        case IAnonymousFunctionOperation lambda:
                            return IsFanOutLambda(lambda) ? lambda : null;
                        case ILocalFunctionOperation _:
                            return null;
                        case ILoopOperation loop:
                            if (loop.Body != null && loop.Body.Syntax.Span.Contains(creation.Syntax.Span))
                            {
                                isLoop = true;
                                return loop.Body;
                            }

                            return null;
                    }
                }

                return null;
            }

            /// <summary>
            /// The wait runs once per item when, between it and the scope, there is no loop and no lambda other than a
            /// Task.Run/StartNew body (a nested loop or Select would share the semaphore among sub-items: that limits).
            /// </summary>
            private bool IsWaitedOncePerItem(IOperation wait, IOperation scope, bool requireTaskRun)
            {
                var crossedTaskRun = false;
                for (var current = wait.Parent; current != null && current != scope; current = current.Parent)
                {
                    switch (current)
                    {
                        case ILoopOperation _:
                        case ILocalFunctionOperation _:
                            return false;
                        case IAnonymousFunctionOperation lambda:
                            if (!IsTaskRunBody(lambda))
                            {
                                return false;
                            }

                            crossedTaskRun = true;
                            break;
                    }
                }

                return !requireTaskRun || crossedTaskRun;
            }

            private bool IsFanOutLambda(IAnonymousFunctionOperation lambda)
            {
                var invocation = InvocationTakingLambda(lambda);
                if (invocation == null)
                {
                    return false;
                }

                var method = invocation.TargetMethod;
                var type = method.ContainingType?.OriginalDefinition;
                if (type == null)
                {
                    return false;
                }

                if (SymbolEqualityComparer.Default.Equals(type, _known.Parallel))
                {
                    return method.Name == "ForEach" || method.Name == "ForEachAsync" || method.Name == "For" || method.Name == "ForAsync";
                }

                if ((SymbolEqualityComparer.Default.Equals(type, _known.Enumerable) || SymbolEqualityComparer.Default.Equals(type, _known.ParallelEnumerable))
                    && method.Name == "Select")
                {
                    return lambda.Symbol.IsAsync || IsTaskLike(lambda.Symbol.ReturnType);
                }

                if (SymbolEqualityComparer.Default.Equals(type, _known.List) && method.Name == "ForEach")
                {
                    return lambda.Symbol.IsAsync;
                }

                if (IsTaskRunBody(lambda))
                {
                    // Task.Run per element: started inside a loop body or inside a Select/Parallel lambda.
                    for (var current = invocation.Parent; current != null; current = current.Parent)
                    {
                        switch (current)
                        {
                            case ILoopOperation loop:
                                return loop.Body != null && loop.Body.Syntax.Span.Contains(invocation.Syntax.Span);
                            case IAnonymousFunctionOperation outer:
                                return IsFanOutLambda(outer);
                            case ILocalFunctionOperation _:
                                return false;
                        }
                    }
                }

                return false;
            }

            private bool IsTaskRunBody(IAnonymousFunctionOperation lambda)
            {
                var invocation = InvocationTakingLambda(lambda);
                if (invocation == null)
                {
                    return false;
                }

                var type = invocation.TargetMethod.ContainingType?.OriginalDefinition;
                var name = invocation.TargetMethod.Name;
                return (SymbolEqualityComparer.Default.Equals(type, _known.Task) && name == "Run")
                    || (SymbolEqualityComparer.Default.Equals(type, _known.TaskFactory) && name == "StartNew");
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

            private static bool IsTaskLike(ITypeSymbol? type) =>
                type != null && (type.Name == "Task" || type.Name == "ValueTask")
                && type.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";

            /// <summary>A per-item local that is stored, returned or passed on may be shared after all: stay silent.</summary>
            private bool LocalEscapes(ILocalSymbol local)
            {
                foreach (var reference in _localReferences)
                {
                    if (!SymbolEqualityComparer.Default.Equals(reference.Local, local))
                    {
                        continue;
                    }

                    switch (reference.Parent)
                    {
                        case IInvocationOperation invocation when invocation.Instance == reference:
                        case IPropertyReferenceOperation property when property.Instance == reference:
                        case IConditionalAccessOperation access when access.Operation == reference:
                            continue;
                        case ISimpleAssignmentOperation assignment when assignment.Target == reference
                            && SemaphoreCalls.Unwrap(assignment.Value) is IObjectCreationOperation:
                            continue;
                        default:
                            return true;
                    }
                }

                return false;
            }

            // ---------------------------------------------------------------- helpers

            private bool IsSemaphoreType(ITypeSymbol? type) =>
                type is INamedTypeSymbol named && _semaphoreTypes.Contains(named.OriginalDefinition);

            /// <summary><c>new SemaphoreSlim(0)</c> (initial count a constant zero): a signal, not a throttle.</summary>
            private static bool IsSignal(IObjectCreationOperation creation)
            {
                if (creation.Arguments.IsEmpty)
                {
                    return false;
                }

                IArgumentOperation? initialCount = null;
                foreach (var argument in creation.Arguments)
                {
                    if (argument.Parameter?.Ordinal == 0)
                    {
                        initialCount = argument;
                    }
                }

                var constant = initialCount?.Value.ConstantValue;
                return constant.HasValue && constant.Value.HasValue && constant.Value.Value is int count && count == 0;
            }

            /// <summary>The variable a creation is stored into: <c>var x = new …</c>, <c>x = new …</c>, <c>using var x = new …</c>.</summary>
            private static ISymbol? TargetOf(IObjectCreationOperation creation)
            {
                var current = creation.Parent;
                while (current is IConversionOperation)
                {
                    current = current.Parent;
                }

                switch (current)
                {
                    case IVariableInitializerOperation initializer when initializer.Parent is IVariableDeclaratorOperation declarator:
                        return declarator.Symbol;
                    case ISimpleAssignmentOperation assignment:
                        switch (assignment.Target)
                        {
                            case ILocalReferenceOperation local:
                                return local.Local;
                            case IFieldReferenceOperation field:
                                return field.Field;
                        }

                        return null;
                    default:
                        return null;
                }
            }

            private static IOperation FunctionOf(IOperation operation)
            {
                var current = operation;
                for (var parent = operation.Parent; parent != null; parent = parent.Parent)
                {
                    if (parent is IAnonymousFunctionOperation || parent is ILocalFunctionOperation)
                    {
                        return parent;
                    }

                    current = parent;
                }

                return current;
            }
        }
    }
}
