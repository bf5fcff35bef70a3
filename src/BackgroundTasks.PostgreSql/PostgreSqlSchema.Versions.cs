namespace BackgroundTasks.PostgreSql;

/// <summary>The scripts of the versions after the first, each applied once, in order, by <see cref="PostgreSqlSchema.Migrate"/>.</summary>
internal static partial class PostgreSqlSchema
{
    /// <summary>
    /// Version 2: unique keys (<see cref="JobRecord.UniqueKey"/>); NULL for older rows. The unique index over the rows that
    /// are not terminal is what settles adds of one key racing from several hosts; the other index finds the job with the
    /// key that finished last, for a window (<see cref="JobOptions.UniqueFor"/>).
    /// </summary>
    private const string UniqueKeysMigration = """
        ALTER TABLE {0}.jobs ADD COLUMN unique_key text COLLATE "C";
        CREATE UNIQUE INDEX jobs_unique_live ON {0}.jobs (unique_key) WHERE unique_key IS NOT NULL AND status < 4;
        CREATE INDEX jobs_unique_finished ON {0}.jobs (unique_key, finished_at) WHERE unique_key IS NOT NULL AND status >= 4;
        """;

    /// <summary>
    /// Version 3: continuations (<see cref="JobRecord.ContinueAfter"/>, <see cref="JobRecord.ContinueWhen"/>); NULL and 0
    /// for older rows. <c>jobs_continuations</c> holds only the continuations still waiting. Two triggers settle them in
    /// the transaction of the write that decides them, whichever statement or host makes it: <c>jobs_ended</c> after
    /// every UPDATE that makes a job terminal (a transition by id or by owner, a recovery, and the cancellation of a
    /// continuation, so a chain settles down to its end), and <c>jobs_continuation_added</c> after the insert of a
    /// continuation whose job has ended already or is unknown. The insert reads its job's status <c>FOR SHARE</c>: it
    /// waits for a terminal UPDATE of that job under way and reads its outcome, while that UPDATE waits for an insert that
    /// locked the job first, and its trigger (each statement of a volatile function sees the commits before it) then finds
    /// the new continuation. The lock also makes claims pass over that job, while it waits to be claimed, until the insert
    /// commits: so the insert then announces the job's queue again. Each released continuation's queue, and each settled
    /// job, is announced on the schema's channel with the mark <c>--------</c>, which no store has, so every host (this one
    /// too) hears it.
    /// </summary>
    private const string ContinuationsMigration = """
        ALTER TABLE {0}.jobs ADD COLUMN continue_after text COLLATE "C";
        ALTER TABLE {0}.jobs ADD COLUMN continue_when integer NOT NULL DEFAULT 0;
        CREATE INDEX jobs_continuations ON {0}.jobs (continue_after) WHERE continue_after IS NOT NULL AND status = 0;
        CREATE FUNCTION {0}.settle_continuations(p_parent text, p_status smallint, p_at bigint, p_retained bigint, p_channel text)
        RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            v_message text;
            v_count bigint;
        BEGIN
            WITH released AS (
                UPDATE {0}.jobs SET status = 1, scheduled_at = NULL, due_at = p_at
                WHERE continue_after = p_parent AND status = 0 AND (continue_when = 1 OR p_status = 4)
                RETURNING id, queue),
            ready AS (SELECT pg_notify(p_channel, 'r--------:' || queue) FROM (SELECT DISTINCT queue FROM released) AS q),
            changed AS (SELECT pg_notify(p_channel, 'c--------:' || id) FROM released)
            SELECT (SELECT count(*) FROM ready) + (SELECT count(*) FROM changed) INTO v_count;

            v_message := CASE WHEN p_status IS NULL
                THEN 'Job ' || p_parent || ', which this job continues, is unknown to the store (never recorded, or deleted); '
                ELSE 'Job ' || p_parent || ', which this job continues, ended ' || CASE p_status WHEN 5 THEN 'Failed' ELSE 'Cancelled' END || '; ' END
                || 'the job runs only after it succeeds (JobContinuation.Succeeded).';

            -- Each row cancelled here fires jobs_ended in turn: its own continuations settle before this statement ends.
            WITH cancelled AS (
                UPDATE {0}.jobs SET status = 6, finished_at = p_at, error_type = 'System.OperationCanceledException', error_message = v_message,
                    error_stack = NULL, error_timed_out = false, cancel_reason = 1, scheduled_at = NULL, owner = NULL, lease_until = NULL,
                    retained_since = p_retained
                WHERE continue_after = p_parent AND status = 0 AND continue_when <> 1 AND p_status IS DISTINCT FROM 4
                RETURNING id)
            SELECT count(pg_notify(p_channel, 'c--------:' || id)) INTO v_count FROM cancelled;
        END
        $$;
        CREATE FUNCTION {0}.job_ended() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- Most jobs have no continuation: one look into the (small) index of waiting continuations, and nothing more.
            IF EXISTS (SELECT 1 FROM {0}.jobs WHERE continue_after = NEW.id AND status = 0) THEN
                PERFORM {0}.settle_continuations(NEW.id, NEW.status, coalesce(NEW.finished_at, NEW.due_at), coalesce(NEW.retained_since, NEW.finished_at, NEW.due_at),
                    'bt_' || left(TG_TABLE_SCHEMA, 60));
            END IF;

            RETURN NULL;
        END
        $$;
        CREATE FUNCTION {0}.continuation_added() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            v_status smallint;
            v_queue text;
        BEGIN
            SELECT status, queue INTO v_status, v_queue FROM {0}.jobs WHERE id = NEW.continue_after FOR SHARE;
            IF v_status IS NULL OR v_status >= 4 THEN
                PERFORM {0}.settle_continuations(NEW.continue_after, v_status, NEW.enqueued_at, NEW.enqueued_at, 'bt_' || left(TG_TABLE_SCHEMA, 60));
            ELSIF v_status <> 2 THEN
                -- The lock made claims (FOR UPDATE SKIP LOCKED) pass over the waiting job until this commits: they look again then.
                PERFORM pg_notify('bt_' || left(TG_TABLE_SCHEMA, 60), 'r--------:' || v_queue);
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER jobs_ended AFTER UPDATE OF status ON {0}.jobs
            FOR EACH ROW WHEN (NEW.status >= 4 AND OLD.status < 4) EXECUTE FUNCTION {0}.job_ended();
        CREATE TRIGGER jobs_continuation_added AFTER INSERT ON {0}.jobs
            FOR EACH ROW WHEN (NEW.continue_after IS NOT NULL AND NEW.status = 0) EXECUTE FUNCTION {0}.continuation_added();
        """;

    /// <summary>
    /// Version 4: the attempt timeout and back-off a job was enqueued with (<see cref="JobRecord.Timeout"/>,
    /// <see cref="JobRecord.Backoff"/>), so that the host that claims it applies them; NULL for older rows, which take the
    /// claiming host's queue defaults.
    /// </summary>
    private const string AttemptSettingsMigration = """
        ALTER TABLE {0}.jobs ADD COLUMN timeout_ticks bigint;
        ALTER TABLE {0}.jobs ADD COLUMN backoff_initial_ticks bigint;
        ALTER TABLE {0}.jobs ADD COLUMN backoff_max_ticks bigint;
        ALTER TABLE {0}.jobs ADD COLUMN backoff_multiplier double precision;
        ALTER TABLE {0}.jobs ADD COLUMN backoff_jitter double precision;
        """;
}
