using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// One operation handed to a rule: the operation, the member it belongs to, and a way to report. These are the
    /// members of the driver's <see cref="OperationAnalysisContext"/> the rules use. The rules find their operations
    /// themselves (<see cref="SourceOperations"/>) instead of registering operation actions. An operation action makes
    /// the driver build an operation tree for every method body of the compilation, and that context's public
    /// constructor is obsolete, hence this struct.
    /// </summary>
    internal readonly struct OperationSite
    {
        private readonly Action<Diagnostic> _report;

        internal OperationSite(IOperation operation, ISymbol containingSymbol, Compilation compilation, AnalyzerOptions options, Action<Diagnostic> report, CancellationToken cancellationToken)
        {
            Operation = operation;
            ContainingSymbol = containingSymbol;
            Compilation = compilation;
            Options = options;
            _report = report;
            CancellationToken = cancellationToken;
        }

        public IOperation Operation { get; }

        /// <summary>The member whose code holds the operation (a method, accessor, field or property), as the driver gives it.</summary>
        public ISymbol ContainingSymbol { get; }

        public Compilation Compilation { get; }

        public AnalyzerOptions Options { get; }

        public CancellationToken CancellationToken { get; }

        public void ReportDiagnostic(Diagnostic diagnostic) => _report(diagnostic);
    }
}
