using Microsoft.Extensions.Logging;

namespace BackgroundTasks;

/// <summary>
/// Continuations (<see cref="JobOptions.ContinueAfter"/>): a job that waits, Scheduled with no due time, until the
/// job it continues ends, and is then queued or cancelled. Kept in this engine: a continuation waits for a job this
/// host runs, so durable stores, whose jobs may end on another host, do not support them yet.
/// </summary>
internal sealed partial class JobEngine
{
    /// <summary>The due time a continuation is recorded with: none, it waits for the job it continues.</summary>
    internal static readonly DateTimeOffset WaitsForParent = DateTimeOffset.MaxValue;

    private readonly Dictionary<JobId, List<(LiveJob Job, JobContinuation When)>> _continuations = [];
    private readonly Lock _continuationsGate = new();

    /// <summary>Continuations registered, plus registrations under way: zero lets a finished job skip the lock.</summary>
    private int _continuationCount;

    private static void ThrowIfBadContinuation(JobOptions options)
    {
        if (options.Delay is not null || options.RunAt is not null)
        {
            throw new ArgumentException("JobOptions.ContinueAfter is set together with Delay or RunAt: a continuation runs when the job it continues ends; set only one of them.", nameof(options));
        }

        if (!Enum.IsDefined(options.ContinueWhen))
        {
            throw new ArgumentException($"JobOptions.ContinueWhen is {(int)options.ContinueWhen}: use JobContinuation.Succeeded or JobContinuation.Finished.", nameof(options));
        }
    }

    /// <summary>Accepts a continuation: recorded Scheduled, live here, and queued or cancelled when the job it continues ends.</summary>
    private async ValueTask<JobId> ContinueAsync(LiveJob job, NamedQueue queue, JobOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Claimer is not null)
        {
            return await ContinueDurableAsync(job, queue, options, cancellationToken).ConfigureAwait(false);
        }

        var parentId = options.ContinueAfter!.Value;
        var when = options.ContinueWhen;
        if (!_alive.TryGet(parentId, out _))
        {
            var parent = await Records.Store.GetAsync(parentId, cancellationToken).ConfigureAwait(false);
            if (parent is null || !parent.Status.IsTerminal())
            {
                throw new ArgumentException(
                    parent is null
                        ? $"JobOptions.ContinueAfter is {parentId}, which is unknown: it was never enqueued here, or the store no longer keeps it."
                        : $"JobOptions.ContinueAfter is {parentId}, which is {parent.Status} but not run by this host, so its end would never be seen here.",
                    nameof(options));
            }
        }

        job.KeepStoreHandle(await Records.AddAsync(job.Id, job.Settings, job.Arguments, Time.GetUtcNow(), WaitsForParent, cancellationToken).ConfigureAwait(false));
        _alive.TryAdd(job.Id, job);
        if (IsClosed)
        {
            if (job.TryFinish())
            {
                await RecordTerminalAsync(job, JobStatus.Cancelled, ShutdownError(job), result: null, JobCancelReason.Shutdown).ConfigureAwait(false);
            }

            throw ShutDownException();
        }

        Logger.JobAccepted(job.Id, job.Settings.Name, job.Settings.Queue);
        Metrics.Enqueued(job.Settings.Queue);
        ObserveEnqueued(job, WaitsForParent);

        Interlocked.Increment(ref _continuationCount);
        lock (_continuationsGate)
        {
            // Forget removes the job continued from the live jobs before it looks for its continuations: seen alive
            // here, it finds this one; not seen, its end is recorded in the store already.
            if (_alive.TryGet(parentId, out _))
            {
                if (!_continuations.TryGetValue(parentId, out var waiting))
                {
                    _continuations[parentId] = waiting = [];
                }

                waiting.Add((job, when));
                return job.Id;
            }
        }

        Interlocked.Decrement(ref _continuationCount);
        var ended = await Records.Store.GetAsync(parentId, CancellationToken.None).ConfigureAwait(false);
        await DecideAsync(job, when, parentId, ended?.Status ?? JobStatus.Cancelled).ConfigureAwait(false);
        return job.Id;
    }

    /// <summary>Queues or cancels the continuations of a job whose end is recorded.</summary>
    /// <param name="parentId">The job that ended.</param>
    /// <param name="status">How it ended.</param>
    /// <param name="leftAlive">
    /// Whether the caller has just removed the job from the live jobs, which is a full fence already (an interlocked
    /// exchange on its store entry, or the table lock that a registration's lookup takes too).
    /// </param>
    private void ReleaseContinuations(JobId parentId, JobStatus status, bool leftAlive = false)
    {
        // Pairs with the increment before a registration looks for the job continued (see ContinueAsync).
        if (!leftAlive)
        {
            Interlocked.MemoryBarrier();
        }

        if (Volatile.Read(ref _continuationCount) == 0)
        {
            return;
        }

        List<(LiveJob Job, JobContinuation When)>? waiting;
        lock (_continuationsGate)
        {
            if (!_continuations.Remove(parentId, out waiting))
            {
                return;
            }
        }

        Interlocked.Add(ref _continuationCount, -waiting.Count);
        if (Claimer is not null)
        {
            // The store settled them with the job's end: follow what it did.
            _ = FollowStoreAsync(waiting).AsTask();
            return;
        }

        foreach (var (job, when) in waiting)
        {
            _ = DecideAsync(job, when, parentId, status).AsTask();
        }
    }

    private async ValueTask DecideAsync(LiveJob job, JobContinuation when, JobId parentId, JobStatus parentStatus)
    {
        if (when == JobContinuation.Finished || parentStatus == JobStatus.Succeeded)
        {
            // Cancelled meanwhile, or the host is stopping: PromoteAsync leaves it to whoever ends it.
            await PromoteAsync(job).ConfigureAwait(false);
            return;
        }

        if (job.TryFinish())
        {
            var error = new JobError(
                typeof(OperationCanceledException).FullName!,
                $"Job {parentId}, which this job continues, ended {parentStatus}; the job runs only after it succeeds (JobContinuation.Succeeded).",
                null);
            Logger.JobCancelled(job.Id);
            await RecordTerminalAsync(job, JobStatus.Cancelled, error, result: null, JobCancelReason.Requested).ConfigureAwait(false);
        }
    }
}
