using BenchmarkDotNet.Running;

// Every suite in this assembly; pick with --filter, e.g. --filter '*LocalQdrant*' or --filter '*AnalyzerCost*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
