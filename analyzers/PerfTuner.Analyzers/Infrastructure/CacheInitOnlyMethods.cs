using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// Calls between one type's private methods (PT0001), so that a lookup table filled by a private helper that only a
    /// constructor calls — <c>static Foo() { Register("a"); }</c> — is recognised as filled once, not from traffic.
    /// Filled while the rule walks the type's operations; queried after the walk.
    /// </summary>
    internal sealed class CacheInitOnlyMethods
    {
        private readonly Dictionary<IMethodSymbol, List<Caller>> _calls = new Dictionary<IMethodSymbol, List<Caller>>(SymbolEqualityComparer.Default);
        private readonly HashSet<IMethodSymbol> _referenced = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);

        internal void AddCall(IMethodSymbol callee, ISymbol caller, bool inCallback)
        {
            if (!_calls.TryGetValue(callee, out var callers))
            {
                callers = new List<Caller>();
                _calls[callee] = callers;
            }

            callers.Add(new Caller(caller, inCallback));
        }

        /// <summary>
        /// The names of the type's private methods whose callers <see cref="IsInitOnly(ISymbol, bool)"/> may need: those
        /// whose code names a candidate field (only they can grow one), and, since the question goes up the call chain,
        /// those whose code names such a method. Read from identifiers, so an overload or a same-named local only adds
        /// names, never loses one. Only calls to these methods need recording; the rest of the type's calls are never
        /// asked about.
        /// </summary>
        internal static HashSet<string> NamesThatMayMatter(INamedTypeSymbol type, IEnumerable<IFieldSymbol> candidates, CancellationToken cancellationToken)
        {
            var methods = new List<(string Name, HashSet<string> Identifiers)>();
            foreach (var member in type.GetMembers())
            {
                if (member is IMethodSymbol method && method.DeclaredAccessibility == Accessibility.Private && method.MethodKind == MethodKind.Ordinary)
                {
                    var identifiers = new HashSet<string>(System.StringComparer.Ordinal);
                    foreach (var reference in method.DeclaringSyntaxReferences)
                    {
                        foreach (var token in reference.GetSyntax(cancellationToken).DescendantTokens())
                        {
                            if (token.IsKind(SyntaxKind.IdentifierToken))
                            {
                                identifiers.Add(token.ValueText);
                            }
                        }
                    }

                    methods.Add((method.Name, identifiers));
                }
            }

            var wanted = new HashSet<string>(System.StringComparer.Ordinal);
            foreach (var field in candidates)
            {
                wanted.Add(field.Name);
            }

            var names = new HashSet<string>(System.StringComparer.Ordinal);
            for (var grew = true; grew;)
            {
                grew = false;
                foreach (var (name, identifiers) in methods)
                {
                    if (!names.Contains(name) && identifiers.Overlaps(wanted))
                    {
                        names.Add(name);
                        wanted.Add(name);
                        grew = true;
                    }
                }
            }

            return names;
        }

        /// <summary>A method group turned into a delegate can run any time, from anywhere.</summary>
        internal void AddDelegateReference(IMethodSymbol method)
        {
            _referenced.Add(method);
        }

        /// <summary>
        /// True when <paramref name="member"/> is a private method whose every call comes from a constructor of the
        /// right kind (static for static fields) or an initializer, directly or through other such methods.
        /// </summary>
        internal bool IsInitOnly(ISymbol member, bool forStaticField) =>
            member is IMethodSymbol method && IsInitOnly(method.OriginalDefinition, forStaticField, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

        private bool IsInitOnly(IMethodSymbol method, bool forStaticField, HashSet<IMethodSymbol> visiting)
        {
            if (method.DeclaredAccessibility != Accessibility.Private
                || method.MethodKind != MethodKind.Ordinary
                || _referenced.Contains(method)
                || !_calls.TryGetValue(method, out var callers)
                || callers.Count == 0
                || !visiting.Add(method))
            {
                return false; // recursion and unknown callers count as traffic
            }

            foreach (var caller in callers)
            {
                if (caller.InCallback)
                {
                    return false;
                }

                var initializes = caller.Member switch
                {
                    IFieldSymbol _ => true,
                    IPropertySymbol _ => true,
                    IMethodSymbol m when m.MethodKind == (forStaticField ? MethodKind.StaticConstructor : MethodKind.Constructor) => true,
                    IMethodSymbol m => IsInitOnly(m.OriginalDefinition, forStaticField, visiting),
                    _ => false,
                };
                if (!initializes)
                {
                    return false;
                }
            }

            return true;
        }

        private readonly struct Caller
        {
            internal Caller(ISymbol member, bool inCallback)
            {
                Member = member;
                InCallback = inCallback;
            }

            internal ISymbol Member { get; }

            internal bool InCallback { get; }
        }
    }
}
