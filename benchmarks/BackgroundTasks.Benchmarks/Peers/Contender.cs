namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>The job systems that the peer benchmarks compare.</summary>
public enum Contender
{
    /// <summary>An unbounded channel of delegates with one reader per core: the practical limit.</summary>
    RawChannel,

    /// <summary>The .NET docs' "queued background tasks" pattern: a bounded channel read by one BackgroundService.</summary>
    DocsPattern,

    /// <summary>Coravel's queue.</summary>
    Coravel,

    /// <summary>Hangfire with Hangfire.InMemory storage.</summary>
    Hangfire,

    /// <summary>Quartz.NET with the in-memory (RAM) job store.</summary>
    Quartz,

    /// <summary>BackgroundTasks with the in-memory store: every job's status is tracked.</summary>
    BackgroundTasks,

    /// <summary>
    /// BackgroundTasks with a store written as the README's "Write your own store" describes: a lock around a
    /// Dictionary of records. It reaches the engine through the same seam as any store but the built-in one.
    /// </summary>
    BackgroundTasksUserStore,
}
