// BenchmarkDotNet runs in this process and is not built for parallel runs; the end-to-end tests take turns.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
