using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// The durable queue the engine feeds its workers from (<see cref="IDurableJobStore"/>): claims with a lease in one
/// statement, lease renewal with the host's heartbeat, and owner-checked outcomes.
/// </summary>
public sealed partial class PostgreSqlJobStore
{
    /// <inheritdoc/>
    TimeSpan IDurableJobStore.LeaseDuration => LeaseDuration;

    /// <inheritdoc/>
    ValueTask IDurableJobStore.AddAsync(JobRecord job, string? owner, CancellationToken cancellationToken)
    {
        ThrowIfNotNew(job, nameof(job));
        return AddCoreAsync(job, owner, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>One insert of the row already Running for <paramref name="owner"/>: no claim round trip, and no notification (no other host may take it).</remarks>
    async ValueTask<bool> IDurableJobStore.AddClaimedAsync(JobRecord job, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ThrowIfNotNew(job, nameof(job));
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (job.Status != JobStatus.Queued || job.Attempt != 0 || job.ContinueAfter is not null)
        {
            throw new ArgumentException($"Only a Queued job at attempt 0 that continues no job can be added claimed, not {job.Status} at attempt {job.Attempt} (job {job.Id}).", nameof(job));
        }

        var claimed = job with { Status = JobStatus.Running, Attempt = 1, StartedAt = now };
        var write = new PendingWrite<bool>(_insertSql, p => JobRows.BindInsert(p, claimed, _resultOptions, owner, now + LeaseDuration), Applied, cancellationToken);
        return await _writer.WriteAsync(write).ConfigureAwait(false) ? true : throw DuplicateId(job.Id, nameof(job));
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
    async ValueTask<IReadOnlyList<JobRecord>> IDurableJobStore.RecoverAsync(DateTimeOffset now, string? host, string currentOwner, CancellationToken cancellationToken)
        => (await RecoverAsync(now, host, currentOwner, cancellationToken).ConfigureAwait(false)).Changed;

    /// <summary>
    /// Claims up to <paramref name="max"/> due jobs of a queue for <paramref name="owner"/> in one statement: Queued jobs,
    /// and Scheduled and Retrying jobs whose time has come, that no other owner holds, by priority, due time and id; each
    /// becomes Running with the owner, a lease until <paramref name="now"/> + <see cref="LeaseDuration"/>, the next attempt
    /// and <see cref="JobRecord.StartedAt"/> = <paramref name="now"/>. Rows another claimer has locked are skipped.
    /// </summary>
    /// <returns>The claimed records (arguments included), in claim order; empty when nothing is due.</returns>
    internal async Task<IReadOnlyList<JobRecord>> ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(_claimSql, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.AddWithValue("queue", queue);
                command.Parameters.AddWithValue("owner", owner);
                command.Parameters.AddWithValue("max", max);
                command.Parameters.AddWithValue("now", now.UtcTicks);
                command.Parameters.AddWithValue("lease_until", (now + LeaseDuration).UtcTicks);

                // A caller that gave up (a host that stops) claims nothing from here on; but once sent, a claim is not
                // cancelled: one that committed while its caller gave up would leave its jobs held and unknown.
                cancellationToken.ThrowIfCancellationRequested();
                var claimed = new List<(JobRecord Record, long Due)>();
                var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        claimed.Add((JobRows.Read(reader), reader.GetInt64(JobRows.ColumnCount)));
                    }
                }

                // RETURNING has no order of its own: hand the jobs out in the order they were picked.
                claimed.Sort(static (a, b) => (b.Record.Priority, a.Due, a.Record.Id).CompareTo((a.Record.Priority, b.Due, b.Record.Id)));
                return claimed.ConvertAll(static c => c.Record);
            }
        }
    }

    /// <summary>
    /// Extends the lease of every job <paramref name="owner"/> holds to <paramref name="now"/> + <see cref="LeaseDuration"/>, and
    /// records the owner's heartbeat in the hosts table, in the writer's next batch.
    /// </summary>
    /// <returns>The ids of the jobs whose lease was renewed; a running job missing here was recovered by another host (or cancelled) and should stop.</returns>
    internal async Task<IReadOnlyList<JobId>> RenewLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var until = (now + LeaseDuration).UtcTicks;
        var renew = new PendingWrite<IReadOnlyList<JobId>>(
            _renewSql,
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
        var heartbeat = new PendingWrite<bool>(
            _heartbeatSql,
            p =>
            {
                p.AddWithValue("owner", owner);
                p.AddWithValue("host", slash < 0 ? owner : owner[..slash]);
                p.AddWithValue("now", now.UtcTicks);
            },
            Applied,
            cancellationToken);
        var renewed = _writer.WriteAsync(renew, urgent: true);
        await _writer.WriteAsync(heartbeat, urgent: true).ConfigureAwait(false);
        return await renewed.ConfigureAwait(false);
    }
}
