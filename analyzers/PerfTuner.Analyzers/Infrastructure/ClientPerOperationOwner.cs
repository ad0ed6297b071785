using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfTuner.Analyzers.Infrastructure
{
    internal enum OperationOwnerKind
    {
        /// <summary>An ordinary method, accessor, local function or lambda: runs per call.</summary>
        Operation,

        /// <summary>An instance constructor: runs per instance.</summary>
        Constructor,

        /// <summary>Main, top-level statements, BackgroundService.ExecuteAsync: runs once per process or service.</summary>
        EntryPoint,

        /// <summary>Initializers, static constructors, module initializers, tests and benchmarks: not judged.</summary>
        NotAnOperation,
    }

    /// <summary>The code a client creation runs as part of, and how to name it in the message.</summary>
    internal readonly struct OperationOwner
    {
        private static readonly SymbolDisplayFormat MethodFormat = new SymbolDisplayFormat(
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
            memberOptions: SymbolDisplayMemberOptions.IncludeParameters,
            parameterOptions: SymbolDisplayParameterOptions.IncludeType,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        /// <summary>Attributes that mark test, fixture-setup and benchmark methods (matched by name, base types included).</summary>
        private static readonly string[] TestAttributeNames =
        {
            "FactAttribute", "TheoryAttribute",                                              // xUnit
            "TestAttribute", "TestCaseAttribute", "TestCaseSourceAttribute", "SetUpAttribute", "OneTimeSetUpAttribute", // NUnit
            "TestMethodAttribute", "DataTestMethodAttribute", "TestInitializeAttribute", "ClassInitializeAttribute", "AssemblyInitializeAttribute", // MSTest
            "BenchmarkAttribute", "GlobalSetupAttribute", "IterationSetupAttribute",          // BenchmarkDotNet
            "ModuleInitializerAttribute",
        };

        private OperationOwner(OperationOwnerKind kind, ISymbol? member, bool inLambda, IMethodSymbol? localFunction)
        {
            Kind = kind;
            Member = member;
            InLambda = inLambda;
            LocalFunction = localFunction;
        }

        internal OperationOwnerKind Kind { get; }

        private ISymbol? Member { get; }

        private bool InLambda { get; }

        private IMethodSymbol? LocalFunction { get; }

        internal static OperationOwner Find(IOperation creation, ISymbol containingSymbol)
        {
            var inLambda = false;
            IMethodSymbol? localFunction = null;
            for (var parent = creation.Parent; parent != null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation)
                {
                    inLambda = true;
                    break;
                }

                if (parent is ILocalFunctionOperation local)
                {
                    localFunction = local.Symbol;
                    break;
                }
            }

            var nested = inLambda || localFunction != null;
            if (!(containingSymbol is IMethodSymbol method))
            {
                // Field and property initializers run once per instance or type; a lambda stored there runs per call.
                return new OperationOwner(inLambda ? OperationOwnerKind.Operation : OperationOwnerKind.NotAnOperation, containingSymbol, inLambda, localFunction);
            }

            if (method.MethodKind == MethodKind.StaticConstructor || HasTestAttribute(method))
            {
                return new OperationOwner(OperationOwnerKind.NotAnOperation, method, inLambda, localFunction);
            }

            if (!nested && IsEntryPoint(method))
            {
                return new OperationOwner(OperationOwnerKind.EntryPoint, method, inLambda, localFunction);
            }

            var kind = !nested && method.MethodKind == MethodKind.Constructor ? OperationOwnerKind.Constructor : OperationOwnerKind.Operation;
            return new OperationOwner(kind, method, inLambda, localFunction);
        }

        /// <summary>"Search(string)", "a lambda in Search(string)", "top-level statements".</summary>
        internal string Describe()
        {
            var name = Name(Member);
            if (LocalFunction != null)
            {
                return LocalFunction.ToDisplayString(MethodFormat) + " in " + name;
            }

            return InLambda ? "a lambda in " + name : name;
        }

        /// <summary>"per call of Search(string)", "per instance of SearchService".</summary>
        internal string DescribePerCall() =>
            Kind == OperationOwnerKind.Constructor && Member != null
                ? "per instance of " + Member.ContainingType.Name
                : "per call of " + Describe();

        private static string Name(ISymbol? member)
        {
            if (member is IMethodSymbol method)
            {
                if (method.Name == "<Main>$")
                {
                    return "top-level statements";
                }

                if (method.MethodKind == MethodKind.Constructor)
                {
                    return method.ContainingType.Name + "(" + string.Join(", ", ParameterTypes(method)) + ")";
                }

                if (method.AssociatedSymbol != null && (method.MethodKind == MethodKind.PropertyGet || method.MethodKind == MethodKind.PropertySet))
                {
                    return method.AssociatedSymbol.Name;
                }

                return method.ToDisplayString(MethodFormat);
            }

            return member?.Name ?? "this member";
        }

        private static string[] ParameterTypes(IMethodSymbol method)
        {
            var types = new string[method.Parameters.Length];
            for (var i = 0; i < types.Length; i++)
            {
                types[i] = method.Parameters[i].Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            }

            return types;
        }

        private static bool IsEntryPoint(IMethodSymbol method)
        {
            if (method.Name == "<Main>$" || (method.IsStatic && method.Name == "Main"))
            {
                return true;
            }

            // A hosted service's ExecuteAsync runs once for the life of the service.
            for (var overridden = method.OverriddenMethod; overridden != null; overridden = overridden.OverriddenMethod)
            {
                if (overridden.Name == "ExecuteAsync" && overridden.ContainingType.Name == "BackgroundService"
                    && overridden.ContainingType.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Hosting")
                {
                    return true;
                }
            }

            return false;
        }

        private static bool HasTestAttribute(IMethodSymbol method)
        {
            foreach (var attribute in method.GetAttributes())
            {
                for (var type = attribute.AttributeClass; type != null; type = type.BaseType)
                {
                    if (System.Array.IndexOf(TestAttributeNames, type.Name) >= 0)
                    {
                        return true;
                    }

                    if (type.SpecialType == SpecialType.System_Object || type.Name == "Attribute")
                    {
                        break;
                    }
                }
            }

            return false;
        }
    }
}
