using System.Text.Json;
using BackgroundTasks.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace BackgroundTasks.PostgreSql;

/// <summary>How a <see cref="JobRecord"/> maps to a row of <c>jobs</c>, both ways.</summary>
internal static class JobRows
{
    /// <summary>The columns every read and every RETURNING selects, in the order <see cref="Read"/> expects.</summary>
    public const string Columns = "id, name, queue, priority, status, attempt, max_attempts, enqueued_at, scheduled_at, started_at, finished_at, "
        + "progress_percent, progress_message, progress_done, progress_total, error_type, error_message, error_stack, error_timed_out, "
        + "result_kind, result, parent_id, arguments, cancel_reason, trace_parent, trace_state, unique_key, continue_after, continue_when, "
        + "timeout_ticks, backoff_initial_ticks, backoff_max_ticks, backoff_multiplier, backoff_jitter";

    /// <summary>How many columns <see cref="Columns"/> lists.</summary>
    public const int ColumnCount = 34;

    /// <summary>The insert into <paramref name="jobs"/>; it returns a row only when the id was free.</summary>
    public static string InsertSql(string jobs) => $"INSERT INTO {jobs} (id, name, queue, priority, status, attempt, max_attempts, enqueued_at, scheduled_at, due_at, "
        + "started_at, finished_at, progress_percent, progress_message, progress_done, progress_total, error_type, error_message, error_stack, "
        + "error_timed_out, result_kind, result, parent_id, arguments, cancel_reason, owner, lease_until, trace_parent, trace_state, unique_key, continue_after, continue_when, "
        + "timeout_ticks, backoff_initial_ticks, backoff_max_ticks, backoff_multiplier, backoff_jitter) "
        + "VALUES (@id, @name, @queue, @priority, @status, @attempt, @max_attempts, @enqueued_at, @scheduled_at, @due_at, "
        + "@started_at, @finished_at, @progress_percent, @progress_message, @progress_done, @progress_total, @error_type, @error_message, @error_stack, "
        + "@error_timed_out, @result_kind, @result, @parent_id, @arguments, @cancel_reason, @owner, @lease_until, @trace_parent, @trace_state, @unique_key, @continue_after, @continue_when, "
        + "@timeout_ticks, @backoff_initial_ticks, @backoff_max_ticks, @backoff_multiplier, @backoff_jitter) "
        + "ON CONFLICT (id) DO NOTHING RETURNING 1";

    /// <summary>Binds a new job's values to <see cref="InsertSql"/>, held by <paramref name="owner"/> until <paramref name="leaseUntil"/> when one is given.</summary>
    public static void BindInsert(StatementParameters p, JobRecord job, JsonSerializerOptions? resultOptions, string? owner, DateTimeOffset? leaseUntil)
    {
        p.AddWithValue("id", job.Id.ToString());
        Text(p, "name", job.Name);
        p.AddWithValue("queue", job.Queue);
        p.AddWithValue("priority", (int)job.Priority);
        p.AddWithValue("status", (short)job.Status);
        p.AddWithValue("attempt", job.Attempt);
        p.AddWithValue("max_attempts", job.MaxAttempts);
        p.AddWithValue("enqueued_at", job.EnqueuedAt.UtcTicks);
        Ticks(p, "scheduled_at", job.ScheduledAt);
        p.AddWithValue("due_at", (job.Status == JobStatus.Scheduled ? job.ScheduledAt ?? job.EnqueuedAt : job.EnqueuedAt).UtcTicks);
        Ticks(p, "started_at", job.StartedAt);
        Ticks(p, "finished_at", job.FinishedAt);
        BindProgress(p, job.Progress);
        BindError(p, job.Error);
        var (kind, value) = ResultCodec.Encode(job.Result, resultOptions);
        Text(p, "result_kind", kind);
        Text(p, "result", value);
        Text(p, "parent_id", job.ParentId?.ToString());
        Text(p, "arguments", job.Arguments);
        p.AddWithValue("cancel_reason", (int)job.CancelReason);
        Text(p, "owner", owner);
        Ticks(p, "lease_until", owner is null ? null : leaseUntil);
        Text(p, "trace_parent", job.TraceParent);
        Text(p, "trace_state", job.TraceState);
        Text(p, "unique_key", job.UniqueKey);
        Text(p, "continue_after", job.ContinueAfter?.ToString());
        p.AddWithValue("continue_when", (int)job.ContinueWhen);
        Long(p, "timeout_ticks", job.Timeout?.Ticks);
        Long(p, "backoff_initial_ticks", job.Backoff?.InitialDelay.Ticks);
        Long(p, "backoff_max_ticks", job.Backoff?.MaxDelay.Ticks);
        p.Add("backoff_multiplier", NpgsqlDbType.Double, job.Backoff?.Multiplier);
        p.Add("backoff_jitter", NpgsqlDbType.Double, job.Backoff?.Jitter);
    }

    public static void BindProgress(StatementParameters p, JobProgress progress)
    {
        p.AddWithValue("progress_percent", progress.Percent);
        Text(p, "progress_message", progress.Message);
        Long(p, "progress_done", progress.ItemsDone);
        Long(p, "progress_total", progress.ItemsTotal);
    }

    public static void BindError(StatementParameters p, JobError? error)
    {
        Text(p, "error_type", error?.Type);
        Text(p, "error_message", error?.Message);
        Text(p, "error_stack", error?.StackTrace);
        p.Add("error_timed_out", NpgsqlDbType.Boolean, error?.TimedOut);
    }

    public static void Text(StatementParameters p, string name, string? value) => p.Add(name, NpgsqlDbType.Text, value);

    public static void Long(StatementParameters p, string name, long? value) => p.Add(name, NpgsqlDbType.Bigint, value);

    public static void Ticks(StatementParameters p, string name, DateTimeOffset? value) => Long(p, name, value?.UtcTicks);

    /// <summary>Reads every row of a command's current result (a SELECT or a RETURNING of <see cref="Columns"/>).</summary>
    public static List<JobRecord> ReadAll(NpgsqlDataReader reader)
    {
        var records = new List<JobRecord>();
        while (reader.Read())
        {
            records.Add(Read(reader));
        }

        return records;
    }

    public static JobRecord Read(NpgsqlDataReader row) => Sqlite.JobRecordReader.Read(row);

    public static DateTimeOffset Time(long ticks) => Sqlite.JobRecordReader.Time(ticks);
}
