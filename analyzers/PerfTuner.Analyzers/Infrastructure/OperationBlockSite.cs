using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfTuner.Analyzers.Infrastructure
{
    /// <summary>
    /// The operation blocks of one member and a way to report: the members of the driver's
    /// <see cref="OperationBlockAnalysisContext"/> a rule uses when it walks a type's blocks itself
    /// (<see cref="SourceOperations.OfType"/>) instead of registering an operation-block action.
    /// </summary>
    internal readonly struct OperationBlockSite
    {
        private readonly Action<Diagnostic> _report;

        internal OperationBlockSite(ImmutableArray<IOperation> operationBlocks, ISymbol owningSymbol, Action<Diagnostic> report, CancellationToken cancellationToken)
        {
            OperationBlocks = operationBlocks;
            OwningSymbol = owningSymbol;
            _report = report;
            CancellationToken = cancellationToken;
        }

        public ImmutableArray<IOperation> OperationBlocks { get; }

        public ISymbol OwningSymbol { get; }

        public CancellationToken CancellationToken { get; }

        public void ReportDiagnostic(Diagnostic diagnostic) => _report(diagnostic);
    }
}
