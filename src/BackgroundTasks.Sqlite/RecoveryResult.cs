namespace BackgroundTasks.Sqlite;

/// <summary>What <see cref="SqliteJobStore.RecoverAsync"/> did with the running jobs whose host is gone.</summary>
/// <param name="Requeued">Typed jobs queued again for their next attempt.</param>
/// <param name="Abandoned">Typed jobs that had no attempt left, now Failed.</param>
/// <param name="LambdasFailed">Lambda jobs (no arguments, so nobody can re-run them), now Failed.</param>
/// <param name="Changed">Every record the recovery changed, as it is after it: the jobs above, then the continuations their end settled.</param>
internal sealed record RecoveryResult(IReadOnlyList<JobId> Requeued, IReadOnlyList<JobId> Abandoned, IReadOnlyList<JobId> LambdasFailed, IReadOnlyList<JobRecord> Changed)
{
    /// <summary>Gets how many jobs were recovered in all.</summary>
    public int Count => Requeued.Count + Abandoned.Count + LambdasFailed.Count;
}
