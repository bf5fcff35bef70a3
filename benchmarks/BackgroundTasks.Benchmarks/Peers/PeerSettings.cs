namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>Settings shared by the contenders (see benchmarks/README.md).</summary>
public static class PeerSettings
{
    /// <summary>
    /// Capacity of the bounded queues (docs pattern, BackgroundTasks): above the largest batch a benchmark
    /// enqueues, so that back-pressure never throttles a producer in these benchmarks.
    /// </summary>
    public const int QueueCapacity = 1 << 21;

    /// <summary>Gets the worker count of every contender: one per core.</summary>
    public static int Workers => Environment.ProcessorCount;
}
