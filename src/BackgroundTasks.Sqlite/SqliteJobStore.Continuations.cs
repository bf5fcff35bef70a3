namespace BackgroundTasks.Sqlite;

/// <summary>
/// Continuations (<see cref="JobRecord.ContinueAfter"/>): a waiting continuation is queued or cancelled inside the write
/// that records the end of the job it continues, so no crash can leave it waiting for a job that has ended; one added
/// after that job ended is settled by its own insert.
/// </summary>
public sealed partial class SqliteJobStore
{
    internal const string WaitingContinuationsSql = "SELECT id, continue_when FROM bt_jobs INDEXED BY bt_jobs_continuations WHERE continue_after = $parent AND status = 0";

    private const string ParentStatusSql = "SELECT status FROM bt_jobs WHERE id = $parent";

    private const string ReleaseContinuationSql = $"UPDATE bt_jobs SET status = 1, scheduled_at = NULL, due_at = $at WHERE id = $id AND status = 0 RETURNING {JobRows.Columns}";

    private const string CancelContinuationSql = "UPDATE bt_jobs SET status = 6, finished_at = $at, error_type = $error_type, error_message = $error_message, "
        + "error_stack = NULL, error_timed_out = 0, cancel_reason = 1, scheduled_at = NULL, owner = NULL, lease_until = NULL, retained_since = $retained "
        + $"WHERE id = $id AND status = 0 RETURNING {JobRows.Columns}";

    /// <summary>Inserts a new job; a continuation of a job that has ended (or that the file does not hold) is settled at once.</summary>
    /// <returns><see langword="false"/> when the id is taken.</returns>
    private bool InsertJob(GroupCommitWriter writer, JobRecord job, string? owner = null, DateTimeOffset? leaseUntil = null)
    {
        if (!JobRows.Insert(writer, job, _resultOptions, owner, leaseUntil))
        {
            return false;
        }

        if (job.ContinueAfter is { } parent && job.Status == JobStatus.Scheduled)
        {
            var read = writer.Command(ParentStatusSql);
            read.Parameters.AddWithValue("$parent", parent.ToString());
            var status = read.ExecuteScalar() is long value ? (JobStatus)value : (JobStatus?)null;
            if (status is null || status.Value.IsTerminal())
            {
                SettleContinuations(writer, parent.ToString(), status, job.EnqueuedAt);
            }
        }

        return true;
    }

    /// <summary>
    /// Queues or cancels the waiting continuations of a job that ended <paramref name="status"/> at <paramref name="at"/>
    /// (<see langword="null"/>: a job the file does not hold, taken as cancelled), and the continuations of those it cancels.
    /// </summary>
    /// <returns>The records it changed, as they are after the change; <see langword="null"/> when it changed none.</returns>
    private List<JobRecord>? SettleContinuations(GroupCommitWriter writer, string parentId, JobStatus? status, DateTimeOffset at)
    {
        List<JobRecord>? settled = null;
        var ended = new Stack<(string Id, JobStatus? Status)>();
        ended.Push((parentId, status));
        while (ended.TryPop(out var parent))
        {
            var find = writer.Command(WaitingContinuationsSql);
            find.Parameters.AddWithValue("$parent", parent.Id);
            var waiting = new List<(string Id, JobContinuation When)>();
            using (var reader = find.ExecuteReader())
            {
                while (reader.Read())
                {
                    waiting.Add((reader.GetString(0), (JobContinuation)reader.GetInt32(1)));
                }
            }

            foreach (var (id, when) in waiting)
            {
                var runs = when == JobContinuation.Finished || parent.Status == JobStatus.Succeeded;
                var command = writer.Command(runs ? ReleaseContinuationSql : CancelContinuationSql);
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$at", at.UtcTicks);
                if (!runs)
                {
                    command.Parameters.AddWithValue("$error_type", typeof(OperationCanceledException).FullName);
                    command.Parameters.AddWithValue("$error_message", CancelledMessage(parent.Id, parent.Status));
                    command.Parameters.AddWithValue("$retained", _clock.GetUtcNow().UtcTicks);
                }

                using var changed = command.ExecuteReader();
                if (!changed.Read())
                {
                    continue;
                }

                (settled ??= []).Add(JobRows.Read(changed));
                if (!runs)
                {
                    ended.Push((id, JobStatus.Cancelled));
                }
            }
        }

        return settled;
    }

    private static string CancelledMessage(string parentId, JobStatus? status) => status is { } ended
        ? $"Job {parentId}, which this job continues, ended {ended}; the job runs only after it succeeds (JobContinuation.Succeeded)."
        : $"Job {parentId}, which this job continues, is unknown to the store (never recorded, or deleted); the job runs only after it succeeds (JobContinuation.Succeeded).";
}
