namespace BackgroundTasks.Sqlite;

/// <summary>How hard SQLite works to make each commit durable (its <c>synchronous</c> setting, in WAL mode).</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// Every committed write survives a crash or kill of the process; only a power loss or an operating-system
    /// crash may lose the last few commits (never corrupting the file). The database is synced at checkpoints,
    /// not at each commit. The default.
    /// </summary>
    Normal = 0,

    /// <summary>
    /// Every committed write also survives a power loss or an operating-system crash: each commit waits for
    /// the disk (an fsync of the write-ahead log). Slower per commit; group commit shares one sync among all
    /// the writes that arrive together.
    /// </summary>
    Full = 1,
}
