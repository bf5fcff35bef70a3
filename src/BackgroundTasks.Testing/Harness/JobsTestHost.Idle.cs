using System.Globalization;
using System.Text;

namespace BackgroundTasks.Testing;

/// <summary>Waiting until the jobs are idle, and moving the clock.</summary>
public sealed partial class JobsTestHost
{
    private const int MaxListed = 10;
    private const int JobQueryPage = 10_000;

    private static readonly JobStatus[] s_unfinished = [JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Retrying];

    /// <summary>
    /// Waits until the jobs are idle: every accepted job has finished, or waits for a due time still ahead on the
    /// clock (a delay, or a retry's back-off) and the engine has set its timer. Jobs that the running jobs enqueue
    /// (follow-ups, fan-out children) are waited for too; with recurring jobs, so is the scheduler, until it has
    /// enqueued every occurrence due and set its timer for the next. The wait is exact and never sleeps: the host looks again
    /// after each change the engine writes to the store and each timer set on the clock, and decides only on a view
    /// of the store that no write changed while it was read.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the jobs are idle.</returns>
    /// <exception cref="TimeoutException">
    /// The jobs were not idle within <see cref="JobsTestHostOptions.IdleTimeout"/> (real time); the message lists the jobs
    /// still queued or running. A job that waits on the clock while it runs needs <see cref="Time"/> moved; a job that
    /// waits for the test needs the test to release it.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public async Task RunUntilIdleAsync(CancellationToken cancellationToken = default)
        => await SettleAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Moves the clock forward by <paramref name="by"/>, and runs every job that falls due on the way at its own due
    /// time: the clock stops at each due time, the jobs due then run until idle (with the retries and jobs they
    /// schedule), and then it moves on. With recurring jobs it also stops each time the scheduler's timer is due, so
    /// that each occurrence is enqueued and run at its own time. Returns idle (see <see cref="RunUntilIdleAsync"/>) at the new time.
    /// </summary>
    /// <param name="by">How far to move the clock; <see cref="TimeSpan.Zero"/> only runs what is due now.</param>
    /// <param name="cancellationToken">Stops waiting; the clock stays where it got to.</param>
    /// <returns>A task that completes when the clock has moved and the jobs are idle.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative: the clock only moves forward.</exception>
    /// <exception cref="TimeoutException">See <see cref="RunUntilIdleAsync"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    public async Task AdvanceAsync(TimeSpan by, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        var target = Time.GetUtcNow() + by;
        var waiting = await SettleAsync(cancellationToken).ConfigureAwait(false);
        while (NextDue(waiting, _scheduler.Read().WaitingUntil, target) is { } due)
        {
            Time.SetUtcNow(due);
            waiting = await SettleAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Time.GetUtcNow() < target)
        {
            Time.SetUtcNow(target);
            await SettleAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Enqueues a typed job through <see cref="Queue"/>, runs until idle, and returns the job's record: finished, or
    /// <see cref="JobStatus.Retrying"/> when a failed attempt waits for its back-off (move on with <see cref="AdvanceAsync"/>).
    /// </summary>
    /// <typeparam name="TJob">The typed job's class, registered with <c>AddJob</c>.</typeparam>
    /// <typeparam name="TArgs">Its arguments.</typeparam>
    /// <param name="args">The arguments.</param>
    /// <param name="options">The job's options, as for <see cref="IJobQueue.EnqueueAsync{TJob, TArgs}"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The job's record once the jobs are idle.</returns>
    /// <exception cref="TimeoutException">See <see cref="RunUntilIdleAsync"/>.</exception>
    public async Task<JobRecord> RunAsync<TJob, TArgs>(TArgs args, JobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class
    {
        var id = await Queue.EnqueueAsync<TJob, TArgs>(args, options, cancellationToken).ConfigureAwait(false);
        await SettleAsync(cancellationToken).ConfigureAwait(false);
        return await Monitor.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Job {id} was accepted, but the store no longer knows it: does the store's retention forget finished jobs at once?");
    }

    /// <summary>Waits until no accepted job is queued, running or due (and, <paramref name="withScheduler"/>, the recurring scheduler is idle); returns the jobs that wait for a later due time.</summary>
    private async Task<IReadOnlyList<JobRecord>> SettleAsync(CancellationToken cancellationToken, bool withScheduler = true)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_idleTimeout);
        List<JobRecord> busy = [];
        var schedulerBusy = false;
        try
        {
            while (true)
            {
                var (started, finished, changes) = _activity.Read();
                var scheduler = _scheduler.Read();
                if (started == finished)
                {
                    var unfinished = await ReadUnfinishedAsync(timeout.Token).ConfigureAwait(false);

                    // A write that started while the store was read may have changed what was read: read again after it.
                    if (_activity.Read().Started == started)
                    {
                        var now = Time.GetUtcNow();
                        var timers = _clock.DueTimes();
                        busy = Busy(unfinished, now, timers);
                        schedulerBusy = withScheduler && !_scheduler.IsIdle(scheduler, now, timers);
                        if (busy.Count == 0 && !schedulerBusy)
                        {
                            return unfinished;
                        }
                    }
                }

                // Whatever is queued, running or due will be written again; so will a write still running; and a job
                // that waits for a due time gets its timer.
                await _activity.ChangedSince(changes).WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(NotIdleMessage(busy, schedulerBusy));
        }
    }

    /// <summary>
    /// Finds the jobs that are not idle: queued, running or due, and those that wait for a later due time but whose
    /// timer the engine has not set yet (it sets it just after it records the due time; the clock must not move
    /// before, or the timer would be set from the new time).
    /// </summary>
    private static List<JobRecord> Busy(List<JobRecord> unfinished, DateTimeOffset now, Dictionary<DateTimeOffset, int> timers)
    {
        var busy = new List<JobRecord>();
        foreach (var record in unfinished)
        {
            if (!WaitsForLaterTime(record, now))
            {
                busy.Add(record);
            }
            else if (timers.TryGetValue(record.ScheduledAt!.Value, out var count) && count > 0)
            {
                timers[record.ScheduledAt.Value] = count - 1;
            }
            else
            {
                busy.Add(record);
            }
        }

        return busy;
    }

    private async Task<List<JobRecord>> ReadUnfinishedAsync(CancellationToken cancellationToken)
    {
        var unfinished = new List<JobRecord>();
        foreach (var status in s_unfinished)
        {
            for (var skip = 0; ; skip += JobQueryPage)
            {
                var page = await Monitor.QueryAsync(new JobQuery { Status = status, Skip = skip, Take = JobQueryPage }, cancellationToken).ConfigureAwait(false);
                unfinished.AddRange(page);
                if (page.Count < JobQueryPage)
                {
                    break;
                }
            }
        }

        return unfinished;
    }

    private static bool WaitsForLaterTime(JobRecord record, DateTimeOffset now)
        => record.Status is JobStatus.Scheduled or JobStatus.Retrying && record.ScheduledAt > now;

    private static DateTimeOffset? NextDue(IReadOnlyList<JobRecord> waiting, DateTimeOffset? schedulerWake, DateTimeOffset target)
    {
        var next = schedulerWake <= target ? schedulerWake : null;
        foreach (var record in waiting)
        {
            if (record.ScheduledAt is { } due && due <= target && (next is null || due < next))
            {
                next = due;
            }
        }

        return next;
    }

    private string NotIdleMessage(List<JobRecord> busy, bool schedulerBusy)
    {
        var message = new StringBuilder().Append(CultureInfo.InvariantCulture, $"The jobs were not idle within {_idleTimeout} (JobsTestHostOptions.IdleTimeout)");
        if (busy.Count == 0 && schedulerBusy)
        {
            message.Append(": the recurring scheduler did not set its timer for the next occurrence (an occurrence it enqueues may be waiting for space in a full queue).");
        }
        else if (busy.Count == 0)
        {
            message.Append(": the store was still being written to.");
        }
        else
        {
            message.Append(CultureInfo.InvariantCulture, $"; {busy.Count} still queued, running or due:");
            foreach (var record in busy.Take(MaxListed))
            {
                message.Append(CultureInfo.InvariantCulture, $"\n  {record.Id} {record.Name ?? "(lambda)"} on '{record.Queue}': {record.Status}, attempt {record.Attempt} of {record.MaxAttempts}{(WaitsForLaterTime(record, Time.GetUtcNow()) ? ", its timer not set" : string.Empty)}");
            }

            if (busy.Count > MaxListed)
            {
                message.Append(CultureInfo.InvariantCulture, $"\n  and {busy.Count - MaxListed} more");
            }
        }

        return message.Append(
            "\nA job that waits on the clock while it runs (a timeout, a delay on the TimeProvider) goes on only when the test moves JobsTestHost.Time; "
            + "a job that waits for the test (a TaskCompletionSource) goes on only when the test releases it.").ToString();
    }
}
