using Microsoft.CodeAnalysis;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// The framework types PT0003 (unbounded concurrency) reasons about, resolved once per compilation.
    /// <see cref="Create"/> returns null when System.Threading.Tasks.Task is missing: then no fan-out can exist.
    /// </summary>
    internal sealed class ConcurrencyTypes
    {
        private ConcurrencyTypes(Compilation compilation, INamedTypeSymbol task)
        {
            Task = task;
            TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
            ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
            ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
            TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
            Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
            ParallelOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.ParallelOptions");
            SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
            Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
            ListOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            Array = compilation.GetSpecialType(SpecialType.System_Array);
            Enum = compilation.GetSpecialType(SpecialType.System_Enum);
            GeneratedCode = new GeneratedCodeReportFilter(compilation);
        }

        /// <summary>The driver's generated-code report filter, applied by the rule (it configures ReportDiagnostics).</summary>
        internal GeneratedCodeReportFilter GeneratedCode { get; }

        internal INamedTypeSymbol Task { get; }

        internal INamedTypeSymbol? TaskOfT { get; }

        internal INamedTypeSymbol? ValueTask { get; }

        internal INamedTypeSymbol? ValueTaskOfT { get; }

        internal INamedTypeSymbol? TaskFactory { get; }

        internal INamedTypeSymbol? Parallel { get; }

        internal INamedTypeSymbol? ParallelOptions { get; }

        internal INamedTypeSymbol? SemaphoreSlim { get; }

        internal INamedTypeSymbol? Enumerable { get; }

        internal INamedTypeSymbol? ListOfT { get; }

        internal INamedTypeSymbol Array { get; }

        internal INamedTypeSymbol Enum { get; }

        internal static ConcurrencyTypes? Create(Compilation compilation)
        {
            var task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            return task == null ? null : new ConcurrencyTypes(compilation, task);
        }

        /// <summary>Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt; (what an asynchronous operation returns).</summary>
        internal bool IsTaskLike(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol named)
            {
                return false;
            }

            var original = named.OriginalDefinition;
            return SymbolEqualityComparer.Default.Equals(original, Task)
                || SymbolEqualityComparer.Default.Equals(original, TaskOfT)
                || SymbolEqualityComparer.Default.Equals(original, ValueTask)
                || SymbolEqualityComparer.Default.Equals(original, ValueTaskOfT);
        }

        internal bool IsEnumerableMethod(IMethodSymbol method) =>
            Enumerable != null && SymbolEqualityComparer.Default.Equals(method.ContainingType, Enumerable);

        internal bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
            type != null && expected != null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);
    }
}
