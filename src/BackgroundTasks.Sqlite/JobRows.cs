using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>How a <see cref="JobRecord"/> maps to a row of <c>bt_jobs</c>, both ways.</summary>
internal static class JobRows
{
    /// <summary>The columns every read and every RETURNING selects, in the order <see cref="Read"/> expects.</summary>
    public const string Columns = "id, name, queue, priority, status, attempt, max_attempts, enqueued_at, scheduled_at, started_at, finished_at, "
        + "progress_percent, progress_message, progress_done, progress_total, error_type, error_message, error_stack, error_timed_out, "
        + "result_kind, result, parent_id, arguments, cancel_reason, trace_parent, trace_state, unique_key, continue_after, continue_when, "
        + "timeout_ticks, backoff_initial_ticks, backoff_max_ticks, backoff_multiplier, backoff_jitter";

    /// <summary>How many columns <see cref="Columns"/> lists.</summary>
    public const int ColumnCount = 34;

    public const string InsertSql = "INSERT INTO bt_jobs (id, name, queue, priority, status, attempt, max_attempts, enqueued_at, scheduled_at, due_at, "
        + "started_at, finished_at, progress_percent, progress_message, progress_done, progress_total, error_type, error_message, error_stack, "
        + "error_timed_out, result_kind, result, parent_id, arguments, cancel_reason, owner, lease_until, trace_parent, trace_state, unique_key, continue_after, continue_when, "
        + "timeout_ticks, backoff_initial_ticks, backoff_max_ticks, backoff_multiplier, backoff_jitter) "
        + "VALUES ($id, $name, $queue, $priority, $status, $attempt, $max_attempts, $enqueued_at, $scheduled_at, $due_at, "
        + "$started_at, $finished_at, $progress_percent, $progress_message, $progress_done, $progress_total, $error_type, $error_message, $error_stack, "
        + "$error_timed_out, $result_kind, $result, $parent_id, $arguments, $cancel_reason, $owner, $lease_until, $trace_parent, $trace_state, $unique_key, $continue_after, $continue_when, "
        + "$timeout_ticks, $backoff_initial_ticks, $backoff_max_ticks, $backoff_multiplier, $backoff_jitter) ON CONFLICT (id) DO NOTHING";

    /// <summary>Inserts a new job, held by <paramref name="owner"/> until <paramref name="leaseUntil"/> when one is given; <see langword="false"/> when its id is taken.</summary>
    public static bool Insert(GroupCommitWriter writer, JobRecord job, JsonSerializerOptions? resultOptions, string? owner = null, DateTimeOffset? leaseUntil = null)
    {
        var command = writer.Command(InsertSql);
        AddInsertParameters(command.Parameters, job, resultOptions, owner, leaseUntil);
        try
        {
            return command.ExecuteNonQuery() == 1;
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT && job.UniqueKey is not null)
        {
            // The id is new (ON CONFLICT (id)), so the refusal is the unique index: a live job holds the key.
            throw new ArgumentException($"Job {job.Id} has unique key '{job.UniqueKey}', which a job that has not finished holds: add it with AddUniqueAsync to get that job instead.", nameof(job), exception);
        }
    }

    /// <summary>Binds every parameter of <see cref="InsertSql"/> to <paramref name="job"/>'s values.</summary>
    public static void AddInsertParameters(SqliteParameterCollection p, JobRecord job, JsonSerializerOptions? resultOptions, string? owner = null, DateTimeOffset? leaseUntil = null)
    {
        p.AddWithValue("$id", job.Id.ToString());
        p.AddWithValue("$name", Db(job.Name));
        p.AddWithValue("$queue", job.Queue);
        p.AddWithValue("$priority", (int)job.Priority);
        p.AddWithValue("$status", (int)job.Status);
        p.AddWithValue("$attempt", job.Attempt);
        p.AddWithValue("$max_attempts", job.MaxAttempts);
        p.AddWithValue("$enqueued_at", job.EnqueuedAt.UtcTicks);
        p.AddWithValue("$scheduled_at", Db(job.ScheduledAt));
        p.AddWithValue("$due_at", (job.Status == JobStatus.Scheduled ? job.ScheduledAt ?? job.EnqueuedAt : job.EnqueuedAt).UtcTicks);
        p.AddWithValue("$started_at", Db(job.StartedAt));
        p.AddWithValue("$finished_at", Db(job.FinishedAt));
        AddProgress(p, job.Progress);
        AddError(p, job.Error);
        var (kind, value) = ResultCodec.Encode(job.Result, resultOptions);
        p.AddWithValue("$result_kind", Db(kind));
        p.AddWithValue("$result", Db(value));
        p.AddWithValue("$parent_id", Db(job.ParentId?.ToString()));
        p.AddWithValue("$arguments", Db(job.Arguments));
        p.AddWithValue("$cancel_reason", (int)job.CancelReason);
        p.AddWithValue("$owner", Db(owner));
        p.AddWithValue("$lease_until", Db(owner is null ? null : leaseUntil));
        p.AddWithValue("$trace_parent", Db(job.TraceParent));
        p.AddWithValue("$trace_state", Db(job.TraceState));
        p.AddWithValue("$unique_key", Db(job.UniqueKey));
        p.AddWithValue("$continue_after", Db(job.ContinueAfter?.ToString()));
        p.AddWithValue("$continue_when", (int)job.ContinueWhen);
        p.AddWithValue("$timeout_ticks", Db(job.Timeout?.Ticks));
        p.AddWithValue("$backoff_initial_ticks", Db(job.Backoff?.InitialDelay.Ticks));
        p.AddWithValue("$backoff_max_ticks", Db(job.Backoff?.MaxDelay.Ticks));
        p.AddWithValue("$backoff_multiplier", job.Backoff is { } multiplied ? multiplied.Multiplier : DBNull.Value);
        p.AddWithValue("$backoff_jitter", job.Backoff is { } jittered ? jittered.Jitter : DBNull.Value);
    }

    public static void AddProgress(SqliteParameterCollection p, JobProgress progress)
    {
        p.AddWithValue("$progress_percent", progress.Percent);
        p.AddWithValue("$progress_message", Db(progress.Message));
        p.AddWithValue("$progress_done", Db(progress.ItemsDone));
        p.AddWithValue("$progress_total", Db(progress.ItemsTotal));
    }

    public static void AddError(SqliteParameterCollection p, JobError? error)
    {
        p.AddWithValue("$error_type", Db(error?.Type));
        p.AddWithValue("$error_message", Db(error?.Message));
        p.AddWithValue("$error_stack", Db(error?.StackTrace));
        p.AddWithValue("$error_timed_out", error is null ? DBNull.Value : error.TimedOut ? 1 : 0);
    }

    /// <summary>Reads every row of <paramref name="command"/> (a SELECT or a RETURNING of <see cref="Columns"/>).</summary>
    public static List<JobRecord> ReadAll(SqliteCommand command)
    {
        var records = new List<JobRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records.Add(Read(reader));
        }

        return records;
    }

    public static JobRecord Read(SqliteDataReader row) => JobRecordReader.Read(row);

    public static object Db(string? value) => value is null ? DBNull.Value : value;

    public static object Db(long? value) => value is { } number ? number : DBNull.Value;

    public static object Db(DateTimeOffset? value) => value is { } time ? time.UtcTicks : DBNull.Value;

    public static DateTimeOffset Time(long ticks) => JobRecordReader.Time(ticks);
}
