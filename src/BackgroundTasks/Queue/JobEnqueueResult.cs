namespace BackgroundTasks;

/// <summary>What an enqueue with a unique key did: the job that holds the key, and whether it was there already.</summary>
/// <param name="Id">The id of the job that holds the key: the new job's, or the one that held the key before.</param>
/// <param name="IsDuplicate"><see langword="true"/> when a job already held the key, so nothing was enqueued.</param>
public readonly record struct JobEnqueueResult(JobId Id, bool IsDuplicate);
