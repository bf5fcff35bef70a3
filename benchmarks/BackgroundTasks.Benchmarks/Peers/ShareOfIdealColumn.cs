using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// The CPU jobs' share of the ideal: (one job's work measured alone / cores) over the measured time per job.
/// 100% would mean every core did nothing but job work.
/// </summary>
public sealed class ShareOfIdealColumn : IColumn
{
    private static readonly Lazy<double> s_idealNanoseconds = new(
        static () => CpuSpin.MeasureMicroseconds() * 1000 / Environment.ProcessorCount);

    public string Id => nameof(ShareOfIdealColumn);

    public string ColumnName => "ShareOfIdeal";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => string.Create(
        CultureInfo.InvariantCulture,
        $"Ideal time per job ({CpuSpin.MeasureMicroseconds():F1} µs of work alone / {Environment.ProcessorCount} cores) over Mean");

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        => summary[benchmarkCase]?.ResultStatistics is { Mean: > 0 } stats
            ? (s_idealNanoseconds.Value / stats.Mean).ToString("P1", CultureInfo.InvariantCulture)
            : "-";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
