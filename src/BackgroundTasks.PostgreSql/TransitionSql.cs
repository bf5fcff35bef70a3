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
/// that attempt, so a host that lost its lease can never overwrite a newer attempt or a recovery.
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
    private readonly string?[,,] _sql;

    public TransitionSql(string jobs) => _sql = Build(jobs);

    /// <summary>Gets the statement for a transition, or <see langword="null"/> when no job can ever take it (to Scheduled).</summary>
    /// <summary>Whether the statement for <paramref name="status"/> takes <c>@channel</c> and <c>@ready</c> (the payload's prefix) for its notification.</summary>
    public static bool NotifiesReady(JobStatus status) => status is JobStatus.Queued or JobStatus.Retrying;

    public string? For(JobStatus status, bool hasError, bool ownerChecked)
        => (int)status is >= 0 and <= 6 ? _sql[(int)status, hasError ? 1 : 0, ownerChecked ? 1 : 0] : null;

    private static string?[,,] Build(string jobs)
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
                sql[(int)JobStatus.Succeeded, error, owner] =
                    $"UPDATE {jobs} SET status = 4, finished_at = @timestamp, result_kind = @result_kind, result = @result, scheduled_at = NULL, {ReleaseLease}, retained_since = @now WHERE id = @id AND status < 4{check}" + Returning;
                sql[(int)JobStatus.Failed, error, owner] =
                    $"UPDATE {jobs} SET status = 5, finished_at = @timestamp{setError}, scheduled_at = NULL, {ReleaseLease}, retained_since = @now WHERE id = @id AND status < 4{check}" + Returning;
                sql[(int)JobStatus.Cancelled, error, owner] =
                    $"UPDATE {jobs} SET status = 6, finished_at = @timestamp{setError}, cancel_reason = @cancel_reason, scheduled_at = NULL, {ReleaseLease}, retained_since = @now WHERE id = @id AND status < 4{check}" + Returning;
            }
        }

        return sql;
    }
}
