using BenchmarkDotNet.Configs;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>Adds a jobs-per-second column to the peer benchmarks.</summary>
public sealed class PeerConfig : ManualConfig
{
    public PeerConfig() => AddColumn(new JobsPerSecondColumn());
}
