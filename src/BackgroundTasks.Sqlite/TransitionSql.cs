using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// One UPDATE per kind of transition that applies it only when <see cref="JobTransition.IsAllowed"/> says so,
/// as a compare-and-set on the status in its WHERE clause: the change and the check are one statement.
/// </summary>
/// <remarks>
/// The owner-checked form (for a host that claimed the job) also requires the job to be Running with that
/// owner and that attempt, so a host that lost its lease can never overwrite a newer attempt or a recovery.
/// </remarks>
internal static class TransitionSql
{
    private const string ErrorColumns = "error_type = $error_type, error_message = $error_message, error_stack = $error_stack, error_timed_out = $error_timed_out";
    private const string ReleaseLease = "owner = NULL, lease_until = NULL";

    // A lambda job (no arguments) waiting to retry stays with the host that holds its code.
    private const string ReleaseTypedLease = "owner = CASE WHEN arguments IS NULL THEN owner END, lease_until = CASE WHEN arguments IS NULL THEN lease_until END";
    private const string OwnerCheck = " AND status = 2 AND owner = $owner AND attempt = $attempt";

    // Indexed by status, then by whether the transition carries an error, then by whether the owner is checked.
    private static readonly string?[,,] s_sql = Build();

    /// <summary>Gets the statement for a transition, or <see langword="null"/> when no job can ever take it (to Scheduled).</summary>
    public static string? For(JobStatus status, bool hasError, bool ownerChecked)
        => (int)status is >= 0 and <= 6 ? s_sql[(int)status, hasError ? 1 : 0, ownerChecked ? 1 : 0] : null;

    /// <summary>
    /// Binds the parameters of <see cref="For"/>'s statements: the job's <paramref name="id"/> (its text), the transition, its encoded
    /// result, the <paramref name="owner"/> when checked, and <paramref name="now"/>, when a finished job's retention starts.
    /// </summary>
    public static void AddParameters(SqliteParameterCollection p, string id, JobTransition transition, (string? Kind, string? Value) result, string? owner, DateTimeOffset now)
    {
        p.AddWithValue("$id", id);
        p.AddWithValue("$attempt", transition.Attempt);
        p.AddWithValue("$timestamp", transition.Timestamp.UtcTicks);
        p.AddWithValue("$scheduled_at", JobRows.Db(transition.ScheduledAt));
        JobRows.AddError(p, transition.Error);
        p.AddWithValue("$result_kind", JobRows.Db(result.Kind));
        p.AddWithValue("$result", JobRows.Db(result.Value));
        p.AddWithValue("$cancel_reason", (int)transition.CancelReason);
        p.AddWithValue("$now", now.UtcTicks);
        if (owner is not null)
        {
            p.AddWithValue("$owner", owner);
        }
    }

    private static string?[,,] Build()
    {
        var sql = new string?[7, 2, 2];
        for (var error = 0; error < 2; error++)
        {
            for (var owner = 0; owner < 2; owner++)
            {
                var check = owner == 1 ? OwnerCheck : string.Empty;
                var setError = error == 1 ? ", " + ErrorColumns : string.Empty;
                sql[(int)JobStatus.Queued, error, owner] = owner == 1 ? null
                    : "UPDATE bt_jobs SET status = 1, scheduled_at = NULL WHERE id = $id AND status IN (0, 3)";
                sql[(int)JobStatus.Running, error, owner] = owner == 1 ? null
                    : $"UPDATE bt_jobs SET status = 2, attempt = $attempt, started_at = $timestamp, scheduled_at = NULL, {ReleaseLease} WHERE id = $id AND status = 1 AND attempt < $attempt";
                sql[(int)JobStatus.Retrying, error, owner] =
                    $"UPDATE bt_jobs SET status = 3, scheduled_at = $scheduled_at, due_at = coalesce($scheduled_at, $timestamp), {ErrorColumns}, {ReleaseTypedLease} WHERE id = $id AND status = 2{check}";
                sql[(int)JobStatus.Succeeded, error, owner] =
                    $"UPDATE bt_jobs SET status = 4, finished_at = $timestamp, result_kind = $result_kind, result = $result, scheduled_at = NULL, {ReleaseLease}, retained_since = $now WHERE id = $id AND status < 4{check}";
                sql[(int)JobStatus.Failed, error, owner] =
                    $"UPDATE bt_jobs SET status = 5, finished_at = $timestamp{setError}, scheduled_at = NULL, {ReleaseLease}, retained_since = $now WHERE id = $id AND status < 4{check}";
                sql[(int)JobStatus.Cancelled, error, owner] =
                    $"UPDATE bt_jobs SET status = 6, finished_at = $timestamp{setError}, cancel_reason = $cancel_reason, scheduled_at = NULL, {ReleaseLease}, retained_since = $now WHERE id = $id AND status < 4{check}";
            }
        }

        return sql;
    }
}
