using BenchmarkDotNet.Running;
using PerfTuner.Benchmarks.Analyzers;

// --write-corpus DIR and --build-crosscheck DIR: the analyzer corpus as a real project, built with
// `dotnet build -p:ReportAnalyzer=true -bl` (Analyzers/BuildCrossCheck.cs).
if (BuildCrossCheck.TryRun(args, out var exitCode))
{
    return exitCode;
}

// Every suite in this assembly; pick with --filter, e.g. --filter '*LocalQdrant*' or --filter '*AnalyzerCost*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
