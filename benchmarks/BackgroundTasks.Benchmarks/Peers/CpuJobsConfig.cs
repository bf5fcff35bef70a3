using BenchmarkDotNet.Configs;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>Adds the share-of-ideal column to the CPU jobs benchmark.</summary>
public sealed class CpuJobsConfig : ManualConfig
{
    public CpuJobsConfig() => AddColumn(new ShareOfIdealColumn());
}
