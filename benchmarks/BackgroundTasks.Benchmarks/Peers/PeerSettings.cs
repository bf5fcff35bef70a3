namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>Settings shared by the contenders (see benchmarks/README.md).</summary>
public static class PeerSettings
{
    /// <summary>
    /// A capacity above the largest batch a benchmark enqueues, so that back-pressure never throttles the
    /// producer: the docs pattern's fastest setting, and what BackgroundTasks needs in the enqueue-only
    /// benchmark to measure the enqueue alone.
    /// </summary>
    public const int LargeCapacity = 1 << 21;

    /// <summary>
    /// The capacity of BackgroundTasks' default queue: its default. Back-pressure keeps the backlog of
    /// live jobs small, and with it the garbage collector's work, so end to end it is faster than an
    /// unbounded queue (see benchmarks/README.md).
    /// </summary>
    public const int DefaultCapacity = 1000;

    /// <summary>
    /// Gets or sets the capacity of BackgroundTasks' queue for the contenders started from now on. Benchmark classes set it in their global setup; BenchmarkDotNet runs each case in
    /// a process of its own.
    /// </summary>
    public static int QueueCapacity { get; set; } = DefaultCapacity;

    /// <summary>Gets the worker count of every contender: one per core.</summary>
    public static int Workers => Environment.ProcessorCount;

    /// <summary>Gets or sets the worker count of BackgroundTasks' queue for the contenders started from now on (default: one per core).</summary>
    public static int BackgroundTasksWorkers { get; set; } = Environment.ProcessorCount;
}

/// <summary>
/// Jobs per invocation in the no-op classes (end to end, enqueue only): each contender gets a batch large
/// enough to last 0.1 s or more, and to amortize Coravel's 1 s poll.
/// </summary>
public static class NoOpBatch
{
    public const int Raw = 1_000_000;
    public const int Docs = 500_000;
    public const int Coravel = 500_000;
    public const int Hangfire = 5_000;
    public const int Quartz = 20_000;

    // 200,000 until session 4: at ~200 ns per job that batch lasted 40 ms, under the 0.1 s rule, and
    // iterations swung from 144 to 618 ns per job.
    public const int Ours = 1_000_000;
}
