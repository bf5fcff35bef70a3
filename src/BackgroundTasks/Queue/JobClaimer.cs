using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>
/// Feeds the queues' lanes from a durable store (<see cref="IDurableJobStore"/>), which is then the queues'
/// source of truth: for each queue, one loop claims as many due jobs as the queue has free workers, and waits
/// until a local enqueue, a finished job, a due time (local, or reported by the store) or the poll wakes it; the poll
/// backs off while the store says its notifications arrive (<see cref="IJobStoreNotifications.IsListening"/>). A heartbeat renews
/// the leases of the jobs this host holds and recovers the jobs of hosts whose leases expired; at start-up
/// this host's earlier instance's jobs are recovered at once.
/// </summary>
internal sealed class JobClaimer(JobEngine engine, StoreAdapter.DurableStoreAdapter durable)
{
    /// <summary>The longest safety poll while the store's notifications arrive (unless <see cref="BackgroundJobsOptions.PollInterval"/> is longer).</summary>
    internal static readonly TimeSpan MaxListeningPoll = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, QueueClaims> _queues = engine.Queues.ToDictionary(static q => q.Name, static q => new QueueClaims(q), StringComparer.Ordinal);

    private readonly IJobStoreNotifications? _notifications = durable.DurableStore as IJobStoreNotifications;

    private TaskCompletionSource _claimed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Owner => durable.Owner;

    /// <summary>Gets what wakes this host's waiters and watchers when the store says another host changed a job.</summary>
    public JobChangeSignals Changes { get; } = new();

    /// <summary>Completes when this host next claims jobs: a waiter for a job this host may run looks again then.</summary>
    public Task NextClaimAsync() => Volatile.Read(ref _claimed).Task;

    /// <summary>Recovers this host's earlier instance's jobs and expired leases, then runs the claim loops and the heartbeat until <paramref name="stopping"/>.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        if (_notifications is not null)
        {
            _notifications.JobsReady += OnJobsReady;
            _notifications.JobChanged += OnJobChanged;
            _notifications.JobsDue += OnJobsDue;
        }

        try
        {
            await RecoverAsync(durable.HostName).ConfigureAwait(false);
            var loops = new List<Task> { HeartbeatAsync(stopping) };
            foreach (var claims in _queues.Values)
            {
                loops.Add(Task.Run(() => ClaimLoopAsync(claims, stopping), CancellationToken.None));
            }

            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        finally
        {
            if (_notifications is not null)
            {
                _notifications.JobsReady -= OnJobsReady;
                _notifications.JobChanged -= OnJobChanged;
                _notifications.JobsDue -= OnJobsDue;
            }

            // A store may answer a claim on a thread of its own (SQLite: its writer), and the last claim loop to end
            // ends there: leave it, so that the host's stop and the application's code after it never run on that thread.
            await Task.Yield();
        }
    }

    /// <summary>Wakes a queue's claim loop: a job was enqueued here, or one of its claimed jobs ended.</summary>
    public void Wake(string queue) => _queues[queue].Wake();

    /// <summary>Makes a queue's claim loop look again at <paramref name="dueAt"/> at the latest (a delayed job or a retry made here).</summary>
    public void WakeAt(string queue, DateTimeOffset dueAt) => _queues[queue].WakeAt(dueAt.UtcTicks);

    /// <summary>
    /// Takes a free worker of a queue for a job enqueued here, which is then recorded already claimed (no claim
    /// round trip); <see langword="false"/> when every worker is held. Give it back with <see cref="Ended"/>.
    /// </summary>
    public bool TryTakeWorker(NamedQueue queue)
    {
        var claims = _queues[queue.Name];
        if (!MayClaim(claims))
        {
            return false;
        }

        var held = Volatile.Read(ref claims.Held);
        while (held < queue.Options.Workers)
        {
            var seen = Interlocked.CompareExchange(ref claims.Held, held + 1, held);
            if (seen == held)
            {
                return true;
            }

            held = seen;
        }

        return false;
    }

    /// <summary>The store says jobs of a queue became ready on another host: its claim loop looks now (the doorbell coalesces a burst into one claim).</summary>
    private void OnJobsReady(string queue)
    {
        if (_queues.TryGetValue(queue, out var claims))
        {
            claims.Wake();
        }
    }

    /// <summary>The store says a job of a queue falls due at <paramref name="dueAt"/>: its claim loop claims then, at the latest.</summary>
    private void OnJobsDue(string queue, DateTimeOffset dueAt)
    {
        if (_queues.TryGetValue(queue, out var claims))
        {
            claims.Expect(dueAt.UtcTicks);
        }
    }

    /// <summary>The store says another host changed a job: its waiters here look again, and a claim of it that this host runs is checked.</summary>
    private void OnJobChanged(JobId id)
    {
        Changes.Signal(id);
        engine.OnChangedElsewhere(id);
    }

    /// <summary>Frees the worker a claimed job held (it ran, or ended without running).</summary>
    public void Ended(string queue)
    {
        var claims = _queues[queue];
        Interlocked.Decrement(ref claims.Held);
        if (Volatile.Read(ref claims.Backlog) != 0)
        {
            // Jobs may wait in the store for this worker; otherwise a claim would find nothing.
            claims.Ring();
        }
    }

    /// <summary>
    /// A claimed job's outcome is on its way to the store (the worker went on with its next job): until it is
    /// committed, a crash would run that job again, so no more than two workers' worth of such outcomes may wait.
    /// </summary>
    public void OutcomePending(string queue) => Interlocked.Increment(ref _queues[queue].Unwritten);

    /// <summary>The store committed (or refused) an outcome counted by <see cref="OutcomePending"/>.</summary>
    public void OutcomeWritten(string queue)
    {
        var claims = _queues[queue];
        Interlocked.Decrement(ref claims.Unwritten);
        if (Volatile.Read(ref claims.Backlog) != 0)
        {
            claims.Ring();
        }
    }

    /// <summary>
    /// Whether the queue may claim more: not while twice as many outcomes wait for the store as the queue has workers. A
    /// store that commits slower than the workers run (a loaded server) would otherwise let claimed jobs whose outcome is
    /// not written pile up, and a crash would run every one of them again. Twice, not once: an outcome usually waits
    /// one commit, and with one worker's worth the workers that ended together waited for it before their next claim
    /// (PostgreSQL, three alternated runs: 3,788 against 3,415 jobs/s with one host, 2,605 against 2,397 with three).
    /// </summary>
    private static bool MayClaim(QueueClaims claims) => Volatile.Read(ref claims.Unwritten) < 2 * claims.Queue.Options.Workers;

    private async Task ClaimLoopAsync(QueueClaims claims, CancellationToken stopping)
    {
        var queue = claims.Queue;
        var emptyClaims = 0;
        while (!stopping.IsCancellationRequested && !engine.IsClosed)
        {
            var free = queue.Options.Workers - Volatile.Read(ref claims.Held);
            if (free > 0 && !MayClaim(claims))
            {
                // Claimed later, when the store has caught up with the outcomes (OutcomeWritten rings then).
                Volatile.Write(ref claims.Backlog, 1);
                free = 0;
            }

            if (free > 0)
            {
                // Cleared before the claim: an enqueue committed after this line sets it again.
                Volatile.Write(ref claims.Backlog, 0);
                try
                {
                    var records = await durable.DurableStore.ClaimAsync(queue.Name, Owner, free, engine.Time.GetUtcNow(), stopping).ConfigureAwait(false);
                    emptyClaims = records.Count == 0 ? emptyClaims + 1 : 0;
                    Interlocked.Add(ref claims.Held, records.Count);
                    foreach (var record in records)
                    {
                        await engine.AdmitClaimedAsync(queue, record).ConfigureAwait(false);
                    }

                    if (records.Count > 0)
                    {
                        Interlocked.Exchange(ref _claimed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                    }

                    if (records.Count == free)
                    {
                        // There may be more: claim again as soon as a worker is free.
                        Volatile.Write(ref claims.Backlog, 1);
                        continue;
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // The database is away or refused the claim: say so, and try again after the poll interval.
                    engine.Logger.ClaimFailed(ex, queue.Name);
                    Volatile.Write(ref claims.Backlog, 1);
                    emptyClaims = 0;
                }
            }

            await claims.WaitAsync(PollWait(emptyClaims), engine.Time, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How long a claim loop waits when nothing wakes it: the poll interval; or, while the store's notifications arrive
    /// (they wake it for other hosts' jobs, and claims report due times), twice as long after each claim that found
    /// nothing, up to <see cref="MaxListeningPoll"/>.
    /// </summary>
    private TimeSpan PollWait(int emptyClaims)
        => _notifications is { IsListening: true } ? ListeningPollWait(engine.Options.PollInterval, emptyClaims) : engine.Options.PollInterval;

    /// <summary>The safety poll while notifications arrive: <paramref name="poll"/>, doubled after each empty claim but the first, up to <see cref="MaxListeningPoll"/> (or <paramref name="poll"/> if longer).</summary>
    internal static TimeSpan ListeningPollWait(TimeSpan poll, int emptyClaims)
    {
        if (emptyClaims <= 1)
        {
            return poll;
        }

        var cap = Math.Max(poll.Ticks, MaxListeningPoll.Ticks);
        var doublings = Math.Min(emptyClaims - 1, 30);
        return TimeSpan.FromTicks(poll.Ticks > cap >> doublings ? cap : poll.Ticks << doublings);
    }

    private async Task HeartbeatAsync(CancellationToken stopping)
    {
        var period = durable.DurableStore.LeaseDuration / 3;
        using var timer = new PeriodicTimer(period > TimeSpan.Zero ? period : TimeSpan.FromSeconds(1), engine.Time);
        var unknown = new HashSet<JobId>();
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    // Listed before the renewal is written: a job claimed later is held but not in its answer.
                    var running = engine.RunningClaims();
                    var held = (await durable.DurableStore.RenewLeasesAsync(Owner, engine.Time.GetUtcNow(), stopping).ConfigureAwait(false)).ToHashSet();
                    engine.DropLostClaims(running, held);
                    unknown = await engine.ReleaseUnknownClaimsAsync(held, unknown).ConfigureAwait(false);
                    await RecoverAsync(host: null).ConfigureAwait(false);

                    // Continuations enqueued here whose job continued ended on another host (or was recovered just now).
                    await engine.FollowEndsElsewhereAsync(stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    engine.Logger.ClaimFailed(ex, "(heartbeat)");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RecoverAsync(string? host)
    {
        try
        {
            var now = engine.Time.GetUtcNow();
            var changed = await durable.DurableStore.RecoverAsync(now, host, Owner).ConfigureAwait(false);
            if (changed.Count > 0)
            {
                engine.Logger.JobsRecovered(changed.Count, host ?? "(expired leases)");

                // This host decided: its observers hear of each job recovered (and each continuation settled) once.
                engine.ObserveStoreDecided(changed, now);

                // The store tells other hosts; this one claims its share now too, rather than at its next poll.
                foreach (var claims in _queues.Values)
                {
                    claims.Wake();
                }
            }
        }
        catch (Exception ex)
        {
            engine.Logger.ClaimFailed(ex, "(recovery)");
        }
    }
}
