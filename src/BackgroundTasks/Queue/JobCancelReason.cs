namespace BackgroundTasks;

/// <summary>Why the library fired a running job's token.</summary>
internal enum JobCancelReason : byte
{
    /// <summary>It did not (a token that fired on its own was the timeout).</summary>
    None = 0,

    /// <summary>Someone cancelled the job by id.</summary>
    ById = 1,

    /// <summary>The host is stopping and the drain timeout passed.</summary>
    Shutdown = 2,
}
