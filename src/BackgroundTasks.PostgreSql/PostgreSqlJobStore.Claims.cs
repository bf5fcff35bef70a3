using BackgroundTasks.Sqlite;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// The durable queue the engine feeds its workers from (<see cref="IDurableJobStore"/>): claims with a lease in one
/// statement, lease renewal with the host's heartbeat, and owner-checked outcomes.
/// </summary>
public sealed partial class PostgreSqlJobStore
{
    // The earliest lease the last heartbeat read, and when.
    private LeaseReading? _leases;
    private long _claims;

    /// <summary>Gets how many claims this store sent (for tests of what an idle host costs).</summary>
    internal long ClaimCount => Interlocked.Read(ref _claims);

    /// <inheritdoc/>
    TimeSpan IDurableJobStore.LeaseDuration => LeaseDuration;

    /// <inheritdoc/>
    ValueTask IDurableJobStore.AddAsync(JobRecord job, string? owner, CancellationToken cancellationToken)
    {
        NewJobChecks.ThrowIfNotNew(job, nameof(job));
        return AddCoreAsync(job, owner, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>One insert of the row already Running for <paramref name="owner"/>: no claim round trip, and no notification (no other host may take it).</remarks>
    async ValueTask<bool> IDurableJobStore.AddClaimedAsync(JobRecord job, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        NewJobChecks.ThrowIfNotNew(job, nameof(job));
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (job.Status != JobStatus.Queued || job.Attempt != 0 || job.ContinueAfter is not null)
        {
            throw new ArgumentException($"Only a Queued job at attempt 0 that continues no job can be added claimed, not {job.Status} at attempt {job.Attempt} (job {job.Id}).", nameof(job));
        }

        var claimed = job with { Status = JobStatus.Running, Attempt = 1, StartedAt = now };
        var write = new PendingWrite<bool>(_insert, p => JobRows.BindInsert(p, claimed, _resultOptions, owner, now + LeaseDuration), Applied, cancellationToken);
        return await _writer.WriteAsync(write).ConfigureAwait(false) ? true : throw NewJobChecks.DuplicateId(job.Id, nameof(job));
    }

    /// <inheritdoc/>
    async ValueTask<IReadOnlyList<JobRecord>> IDurableJobStore.ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken)
        => await ClaimAsync(queue, owner, max, now, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    async ValueTask<IReadOnlyList<JobId>> IDurableJobStore.RenewLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken)
        => await RenewLeasesAsync(owner, now, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    /// <remarks>The trigger <c>jobs_ended</c> settles the continuations; the same transaction reads back which.</remarks>
    ValueTask<JobTransitionResult> IDurableJobStore.TransitionAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken)
    {
        if (owner is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(owner);
            if (transition.Status is not (JobStatus.Retrying or JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled))
            {
                throw new ArgumentException($"An owner-checked transition records an attempt's outcome (Retrying, Succeeded, Failed or Cancelled), not {transition.Status}.", nameof(transition));
            }
        }

        return new(TransitionSettlingAsync(id, transition, owner, cancellationToken));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Without a <paramref name="host"/>, it sends no query while the last heartbeat's reading says that no lease can have
    /// expired by <paramref name="now"/>: an idle host's heartbeat is then its only transaction.
    /// </remarks>
    async ValueTask<IReadOnlyList<JobRecord>> IDurableJobStore.RecoverAsync(DateTimeOffset now, string? host, string currentOwner, CancellationToken cancellationToken)
        => host is null && NoLeaseExpiredBy(now) ? [] : (await RecoverAsync(now, host, currentOwner, cancellationToken).ConfigureAwait(false)).Changed;

    /// <summary>
    /// Whether the last heartbeat's reading proves that no lease expired by <paramref name="now"/>: its earliest lease is
    /// later, and a lease written since that reading runs for <see cref="LeaseDuration"/> from then at least.
    /// </summary>
    internal bool NoLeaseExpiredBy(DateTimeOffset now)
        => Volatile.Read(ref _leases) is { } leases && now.UtcTicks < Math.Min(leases.Earliest, leases.ReadAt + LeaseDuration.Ticks);

    /// <summary>
    /// Claims up to <paramref name="max"/> due jobs of a queue for <paramref name="owner"/> in one statement: Queued jobs,
    /// and Scheduled and Retrying jobs whose time has come, that no other owner holds, by priority, due time and id; each
    /// becomes Running with the owner, a lease until <paramref name="now"/> + <see cref="LeaseDuration"/>, the next attempt
    /// and <see cref="JobRecord.StartedAt"/> = <paramref name="now"/>. Rows another claimer has locked are skipped.
    /// </summary>
    /// <returns>The claimed records (arguments included), in claim order; empty when nothing is due.</returns>
    /// <remarks>
    /// In the same round trip (and the same implicit transaction) it reads when the queue's next job that is not due yet
    /// falls due, and raises <see cref="IJobStoreNotifications.JobsDue"/> with it: the claimer wakes then without polling.
    /// </remarks>
    internal async Task<IReadOnlyList<JobRecord>> ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        _notifier.Watch(queue);
        Interlocked.Increment(ref _claims);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                batch.BatchCommands.Add(_claim.CreateCommand(p =>
                {
                    p.AddWithValue("queue", queue);
                    p.AddWithValue("owner", owner);
                    p.AddWithValue("max", max);
                    p.AddWithValue("now", now.UtcTicks);
                    p.AddWithValue("lease_until", (now + LeaseDuration).UtcTicks);
                }));
                batch.BatchCommands.Add(_nextDue.CreateCommand(p =>
                {
                    p.AddWithValue("queue", queue);
                    p.AddWithValue("owner", owner);
                    p.AddWithValue("now", now.UtcTicks);
                    p.AddWithValue("never", DateTimeOffset.MaxValue.UtcTicks);
                }));

                // A caller that gave up (a host that stops) claims nothing from here on; but once sent, a claim is not
                // cancelled: one that committed while its caller gave up would leave its jobs held and unknown.
                cancellationToken.ThrowIfCancellationRequested();
                var claimed = new List<(JobRecord Record, long Due)>();
                long? nextDue = null;
                var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        claimed.Add((JobRows.Read(reader), reader.GetInt64(JobRows.ColumnCount)));
                    }

                    await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
                    if (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false) && !reader.IsDBNull(0))
                    {
                        nextDue = reader.GetInt64(0);
                    }
                }

                if (nextDue is { } ticks)
                {
                    _notifier.RaiseDue(queue, new DateTimeOffset(ticks, TimeSpan.Zero));
                }

                // RETURNING has no order of its own: hand the jobs out in the order they were picked.
                claimed.Sort(static (a, b) => (b.Record.Priority, a.Due, a.Record.Id).CompareTo((a.Record.Priority, b.Due, b.Record.Id)));
                return claimed.ConvertAll(static c => c.Record);
            }
        }
    }

    /// <summary>
    /// Extends the lease of every job <paramref name="owner"/> holds to <paramref name="now"/> + <see cref="LeaseDuration"/>, and
    /// records the owner's heartbeat in the hosts table (forgetting hosts silent for ten leases), in the writer's next batch.
    /// </summary>
    /// <returns>The ids of the jobs whose lease was renewed; a running job missing here was recovered by another host (or cancelled) and should stop.</returns>
    internal async Task<IReadOnlyList<JobId>> RenewLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var until = (now + LeaseDuration).UtcTicks;
        var renew = new PendingWrite<IReadOnlyList<JobId>>(
            _renew,
            p =>
            {
                p.AddWithValue("owner", owner);
                p.AddWithValue("until", until);
            },
            static reader =>
            {
                var renewed = new List<JobId>();
                while (reader.Read())
                {
                    renewed.Add(JobId.Parse(reader.GetString(0)));
                }

                return renewed;
            },
            cancellationToken);
        var slash = owner.IndexOf('/', StringComparison.Ordinal);
        var heartbeat = new PendingWrite<long>(
            _heartbeat,
            p =>
            {
                p.AddWithValue("owner", owner);
                p.AddWithValue("host", slash < 0 ? owner : owner[..slash]);
                p.AddWithValue("now", now.UtcTicks);
                p.AddWithValue("stale", (now - (LeaseDuration * 10)).UtcTicks);
            },
            static reader => reader.Read() && !reader.IsDBNull(0) ? reader.GetInt64(0) : long.MaxValue,
            cancellationToken);
        var renewed = _writer.WriteAsync(renew, urgent: true);
        var earliest = await _writer.WriteAsync(heartbeat, urgent: true).ConfigureAwait(false);
        Volatile.Write(ref _leases, new LeaseReading(now.UtcTicks, earliest));
        return await renewed.ConfigureAwait(false);
    }

    /// <summary>What a heartbeat read: at <paramref name="ReadAt"/>, no lease ended before <paramref name="Earliest"/> (ticks; <see cref="long.MaxValue"/> for none).</summary>
    private sealed record LeaseReading(long ReadAt, long Earliest);
}
