namespace BackgroundTasks.PostgreSql;

/// <summary>
/// One UPDATE per kind of transition that applies it only when <see cref="JobTransition.IsAllowed"/> says so, as a
/// compare-and-set on the status in its WHERE clause: the change and the check are one statement. Each returns the
/// job's queue when applied (and nothing when refused), so a batch learns each caller's answer from its rows. A
/// transition that releases a job to every host (Queued, or Retrying a typed job) sends the notification that wakes the
/// other hosts' claim loops itself (<c>@channel</c>, <c>@ready</c>: see <see cref="NotifiesReady"/>), as only the row knows its queue.
/// </summary>
/// <remarks>
/// The owner-checked form (for a host that claimed the job) also requires the job to be Running with that owner and
/// that attempt, so a host that lost its lease can never overwrite a newer attempt or a recovery. A statement that makes
/// a job terminal also returns the ids of the continuations waiting on it, down the chain, as they were before it: the
/// trigger <c>jobs_ended</c> settles some of them in the same transaction, and <see cref="Settled"/> reads back which.
/// </remarks>
internal sealed class TransitionSql
{
    private const string ErrorColumns = "error_type = @error_type, error_message = @error_message, error_stack = @error_stack, error_timed_out = @error_timed_out";
    private const string ReleaseLease = "owner = NULL, lease_until = NULL";

    // A lambda job (no arguments) waiting to retry stays with the host that holds its code.
    private const string ReleaseTypedLease = "owner = CASE WHEN arguments IS NULL THEN owner END, lease_until = CASE WHEN arguments IS NULL THEN lease_until END";
    private const string OwnerCheck = " AND status = 2 AND owner = @owner AND attempt = @attempt";
    private const string Returning = " RETURNING queue";
    private const string ReturningAndNotify = " RETURNING queue, CASE WHEN owner IS NULL THEN pg_notify(@channel, @ready || queue) END";

    // Indexed by status, then by whether the transition carries an error, then by whether the owner is checked.
    private readonly PositionalStatement?[,,] _sql;

    public TransitionSql(string jobs)
    {
        _sql = Build(jobs);

        // What settle_continuations (schema version 3) did at the end of @parent at @at: released continuations are due at
        // @at, cancelled ones finished at @at with its message. A waiting continuation that another write moved meanwhile
        // matches neither, and one still waiting (a released continuation's own) is left out.
        Settled = new($"SELECT {JobRows.Columns} FROM {jobs} WHERE id = ANY(@ids) AND ((status = 1 AND due_at = @at) OR (status = 6 AND cancel_reason = 1 "
            + "AND finished_at = @at AND error_type = 'System.OperationCanceledException' AND starts_with(error_message, 'Job ' || continue_after || ', which this job continues')))");
    }

    /// <summary>
    /// Gets the columns a statement that makes a job terminal (<c>@id</c>) adds to its RETURNING: the ids of the continuations
    /// waiting on it and, down the chain, on those, read through the index of waiting continuations.
    /// </summary>
    public static string WaitingIds(string jobs, string id = "@id") => $"ARRAY(WITH RECURSIVE waiting(id) AS (SELECT c.id FROM {jobs} c WHERE c.continue_after = {id} AND c.status = 0 "
        + $"UNION ALL SELECT c.id FROM {jobs} c JOIN waiting w ON c.continue_after = w.id WHERE c.status = 0) SELECT id FROM waiting)";

    /// <summary>Gets the query that reads back the continuations (of <c>@ids</c>) that the end of a job at <c>@at</c> settled.</summary>
    public PositionalStatement Settled { get; }

    /// <summary>Whether the statement for <paramref name="status"/> takes <c>@channel</c> and <c>@ready</c> (the payload's prefix) for its notification.</summary>
    public static bool NotifiesReady(JobStatus status) => status is JobStatus.Queued or JobStatus.Retrying;

    /// <summary>Gets the statement for a transition, or <see langword="null"/> when no job can ever take it (to Scheduled).</summary>
    public PositionalStatement? For(JobStatus status, bool hasError, bool ownerChecked)
        => (int)status is >= 0 and <= 6 ? _sql[(int)status, hasError ? 1 : 0, ownerChecked ? 1 : 0] : null;

    private static PositionalStatement?[,,] Build(string jobs)
    {
        var sql = new string?[7, 2, 2];
        for (var error = 0; error < 2; error++)
        {
            for (var owner = 0; owner < 2; owner++)
            {
                var check = owner == 1 ? OwnerCheck : string.Empty;
                var setError = error == 1 ? ", " + ErrorColumns : string.Empty;
                sql[(int)JobStatus.Queued, error, owner] = owner == 1 ? null
                    : $"UPDATE {jobs} SET status = 1, scheduled_at = NULL WHERE id = @id AND status IN (0, 3)" + ReturningAndNotify;
                sql[(int)JobStatus.Running, error, owner] = owner == 1 ? null
                    : $"UPDATE {jobs} SET status = 2, attempt = @attempt, started_at = @timestamp, scheduled_at = NULL, {ReleaseLease} WHERE id = @id AND status = 1 AND attempt < @attempt" + Returning;
                sql[(int)JobStatus.Retrying, error, owner] =
                    $"UPDATE {jobs} SET status = 3, scheduled_at = @scheduled_at, due_at = coalesce(@scheduled_at, @timestamp), {ErrorColumns}, {ReleaseTypedLease} WHERE id = @id AND status = 2{check}" + ReturningAndNotify;
                var returningEnd = Returning + ", " + WaitingIds(jobs);
                sql[(int)JobStatus.Succeeded, error, owner] =
                    $"UPDATE {jobs} SET status = 4, finished_at = @timestamp, result_kind = @result_kind, result = @result, scheduled_at = NULL, {ReleaseLease}, retained_since = @now WHERE id = @id AND status < 4{check}" + returningEnd;
                sql[(int)JobStatus.Failed, error, owner] =
                    $"UPDATE {jobs} SET status = 5, finished_at = @timestamp{setError}, scheduled_at = NULL, {ReleaseLease}, retained_since = @now WHERE id = @id AND status < 4{check}" + returningEnd;
                sql[(int)JobStatus.Cancelled, error, owner] =
                    $"UPDATE {jobs} SET status = 6, finished_at = @timestamp{setError}, cancel_reason = @cancel_reason, scheduled_at = NULL, {ReleaseLease}, retained_since = @now WHERE id = @id AND status < 4{check}" + returningEnd;
            }
        }

        var statements = new PositionalStatement?[7, 2, 2];
        for (var status = 0; status < 7; status++)
        {
            for (var error = 0; error < 2; error++)
            {
                for (var owner = 0; owner < 2; owner++)
                {
                    statements[status, error, owner] = sql[status, error, owner] is { } text ? new PositionalStatement(text) : null;
                }
            }
        }

        return statements;
    }
}
