using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using Perfolizer.Mathematics.OutlierDetection;

namespace PerfTuner.Benchmarks.LocalQdrant;

/// <summary>
/// Per-call latency: each iteration is exactly one call (Monitoring, InvocationCount=1, UnrollFactor=1) and no
/// outliers are removed, so P50/P95 are percentiles of real client-observed call times. In-process toolchain: the
/// server and client share this process, as they do in the perf smoke.
/// </summary>
public sealed class PerCallLatencyConfig : ManualConfig
{
    /// <summary>In-process, with room for 100k-point cases on a loaded machine (the default limit is a few minutes).</summary>
    internal static readonly InProcessEmitToolchain LongInProcess = new(TimeSpan.FromMinutes(60), logOutput: true);

    public PerCallLatencyConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(30)
            .WithIterationCount(300)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithOutlierMode(OutlierMode.DontRemove)
            // No forced full GC between calls: the client and server allocate like a real service, and their GCs
            // land in the percentiles where they belong (a forced GC of a 200 MB heap per call would also swamp
            // the CPU figures).
            .WithGcForce(false)
            .WithToolchain(LongInProcess)
            .WithId("PerCall"));
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.P100, new OperationsPerSecondColumn("QPS"));
    }
}

/// <summary>Throughput: many operations per invocation (OperationsPerInvoke), reported as operations per second.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithGcForce(false)
            .WithIterationCount(20)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithToolchain(PerCallLatencyConfig.LongInProcess)
            .WithId("Throughput"));
        AddColumn(new OperationsPerSecondColumn("ops/s"));
    }
}

/// <summary>1 / mean time per operation: QPS for searches, points per second for upserts.</summary>
public sealed class OperationsPerSecondColumn : IColumn
{
    public OperationsPerSecondColumn(string name) => ColumnName = name;

    public string Id => nameof(OperationsPerSecondColumn) + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Operations per second: 1 / mean time per operation";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 ? (1e9 / mean.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
