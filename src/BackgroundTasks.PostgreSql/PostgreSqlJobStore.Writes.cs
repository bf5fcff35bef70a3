using BackgroundTasks.Sqlite;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>The writes of the <see cref="IJobStore"/> contract, each queued to the one writer and answered once committed.</summary>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc/>
    /// <remarks>The returned task completes once the job's row is committed, with the notification that wakes other hosts' claimers.</remarks>
    public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        NewJobChecks.ThrowIfNotNew(job, nameof(job));
        return AddCoreAsync(job, owner: null, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>The check and the change are one UPDATE, so racing writes for a job have one winner.</remarks>
    public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
        => new(TransitionCoreAsync(id, transition, owner: null, cancellationToken));

    /// <inheritdoc/>
    /// <remarks>Written by the one writer with the host's other writes; other hosts' watchers of the job are notified.</remarks>
    public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        var key = id.ToString();
        var write = new PendingWrite<bool>(
            _progress,
            p =>
            {
                p.AddWithValue("id", key);
                JobRows.BindProgress(p, progress);
            },
            Applied,
            cancellationToken)
        {
            Changed = id,
        };
        return new(_writer.WriteAsync(write));
    }

    private async ValueTask AddCoreAsync(JobRecord job, string? owner, CancellationToken cancellationToken)
    {
        var leaseUntil = owner is null ? (DateTimeOffset?)null : _clock.GetUtcNow() + LeaseDuration;
        var write = new PendingWrite<bool>(
            _insert,
            p => JobRows.BindInsert(p, job, _resultOptions, owner, leaseUntil),
            Applied,
            cancellationToken)
        {
            ReadyQueue = WakesOtherHosts(job, owner) ? job.Queue : null,
        };
        bool added;
        try
        {
            added = await _writer.WriteAsync(write).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsHeldKey(exception))
        {
            throw HeldKey(job, exception, nameof(job));
        }

        if (!added)
        {
            throw NewJobChecks.DuplicateId(job.Id, nameof(job));
        }
    }

    /// <summary>
    /// Whether adding <paramref name="job"/> wakes other hosts' claim loops: not for a job that only its owner may claim, nor
    /// for a continuation that waits for its parent. A delayed job wakes them too: their claim learns when it falls due.
    /// </summary>
    private static bool WakesOtherHosts(JobRecord job, string? owner)
        => owner is null && (job.Status == JobStatus.Queued || (job.Status == JobStatus.Scheduled && job.ContinueAfter is null));

    private Task<bool> TransitionCoreAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken)
    {
        if (_transitions.For(transition.Status, transition.Error is not null, owner is not null) is not { } statement)
        {
            // No job may move to this status (Scheduled), so the answer needs no write.
            return Task.FromResult(false);
        }

        var write = new PendingWrite<bool>(statement, BindTransition(id, transition, owner), Applied, cancellationToken)
        {
            Changed = id,

            // A change by id (a cancellation from any host) may concern a job another host runs: this host's own waiters hear of it too.
            RaiseLocally = owner is null,
        };
        return _writer.WriteAsync(write);
    }

    /// <summary>
    /// The same, answering with the continuations the write settled: its statement returns the ids of the continuations
    /// waiting on the job, and when there are any, the trigger's work on them is read back in the same transaction.
    /// </summary>
    private async Task<JobTransitionResult> TransitionSettlingAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken)
    {
        if (!transition.Status.IsTerminal())
        {
            return await TransitionCoreAsync(id, transition, owner, cancellationToken).ConfigureAwait(false) ? JobTransitionResult.Recorded : JobTransitionResult.Refused;
        }

        var statement = _transitions.For(transition.Status, transition.Error is not null, owner is not null)!;
        string[]? waiting = null;
        var write = new PendingWrite<JobTransitionResult>(
            statement,
            BindTransition(id, transition, owner),
            reader =>
            {
                waiting = null;
                if (!reader.Read())
                {
                    return JobTransitionResult.Refused;
                }

                waiting = reader.IsDBNull(1) ? null : reader.GetFieldValue<string[]>(1);
                return JobTransitionResult.Recorded;
            },
            cancellationToken)
        {
            Changed = id,
            RaiseLocally = owner is null,
            FollowUp = answer => answer.IsRecorded && waiting is { Length: > 0 } ids ? SettledQuery(ids, transition.Timestamp) : null,
            ReadFollowUpRows = static (_, reader) => new JobTransitionResult(true, ReadRecords(reader)),
        };
        return await _writer.WriteAsync(write).ConfigureAwait(false);
    }

    /// <summary>The query that reads back which of <paramref name="ids"/> the end of a job at <paramref name="at"/> settled.</summary>
    private NpgsqlBatchCommand SettledQuery(string[] ids, DateTimeOffset at)
        => _transitions.Settled.CreateCommand(p =>
        {
            p.AddWithValue("ids", ids);
            p.AddWithValue("at", at.UtcTicks);
        });

    private static List<JobRecord> ReadRecords(NpgsqlDataReader reader)
    {
        var records = new List<JobRecord>();
        while (reader.Read())
        {
            records.Add(JobRows.Read(reader));
        }

        return records;
    }

    private Action<StatementParameters> BindTransition(JobId id, JobTransition transition, string? owner)
    {
        var key = id.ToString();
        var (resultKind, result) = transition.Status == JobStatus.Succeeded ? Sqlite.ResultCodec.Encode(transition.Result, _resultOptions) : default;
        var now = _clock.GetUtcNow();
        return p =>
        {
            p.AddWithValue("id", key);
            p.AddWithValue("attempt", transition.Attempt);
            p.AddWithValue("timestamp", transition.Timestamp.UtcTicks);
            JobRows.Ticks(p, "scheduled_at", transition.ScheduledAt);
            JobRows.BindError(p, transition.Error);
            JobRows.Text(p, "result_kind", resultKind);
            JobRows.Text(p, "result", result);
            p.AddWithValue("cancel_reason", (int)transition.CancelReason);
            p.AddWithValue("now", now.UtcTicks);
            if (owner is not null)
            {
                p.AddWithValue("owner", owner);
            }

            if (TransitionSql.NotifiesReady(transition.Status))
            {
                p.AddWithValue("channel", _notifier.Channel);
                p.AddWithValue("ready", _notifier.ReadyPrefix);
            }
        };
    }
}
