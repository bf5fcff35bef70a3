namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>The rows of the durable benchmarks: job systems on a SQLite file, and the plain-loop ceilings.</summary>
public enum DurableContender
{
    /// <summary>A plain loop on Microsoft.Data.Sqlite doing BackgroundTasks.Sqlite's insert, claim and completion, 1,000 writes per transaction.</summary>
    CeilingBatched,

    /// <summary>The same, each group of 1,000 claimed in one claim (the store's statement for that many) instead of one claim per job.</summary>
    CeilingClaimsOfABatch,

    /// <summary>The same loop with one transaction per write.</summary>
    CeilingPerWrite,

    /// <summary>The same three writes on the smallest table a queue could have, 1,000 per transaction: how much the store's row and indexes cost.</summary>
    ReferenceBatched,

    /// <summary>Hangfire with Hangfire.Storage.SQLite.</summary>
    Hangfire,

    /// <summary>Quartz.NET with its ADO job store on SQLite (Microsoft.Data.Sqlite).</summary>
    Quartz,

    /// <summary>BackgroundTasks with the BackgroundTasks.Sqlite store and a typed job.</summary>
    BackgroundTasks,

    /// <summary>
    /// The same, its jobs enqueued in batches of <see cref="CeilingLoop.Batch"/> through <c>IJobQueue.EnqueueManyAsync</c>
    /// (as an import would): the row to compare with the batched ceiling, which also inserts in batches.
    /// </summary>
    BackgroundTasksBulk,
}
