namespace BackgroundTasks;

/// <summary>
/// Runs a fan-out parent's waiting children in the worker the parent holds, so that parents that take every
/// worker of their queue still finish. Only children of the parent's own queue that cannot retry are run
/// here: after a failed attempt here, a retrying child would go back to its lane for a worker to run.
/// </summary>
internal sealed class InlineChildren(JobContext parent) : IDisposable
{
    private readonly JobEngine _engine = parent.Engine;
    private JobRunner? _runner;
    private Worker? _worker;
    private int _next;

    /// <summary>Runs the next child that waits, if any.</summary>
    /// <returns><see langword="false"/> when none of <paramref name="ids"/> waits to run here.</returns>
    public async ValueTask<bool> RunOneAsync(List<JobId> ids)
    {
        var token = parent.CancellationToken;
        for (; _next < ids.Count; _next++)
        {
            if (token.IsCancellationRequested || _engine.IsClosed)
            {
                return false;
            }

            if (!_engine.TryGetAlive(ids[_next], out var child)
                || child.Settings.Queue != parent.Queue
                || child.Settings.MaxAttempts != 1
                || child.IsRunning
                || child.IsFinished
                || child.Timer is not null)
            {
                continue;
            }

            _runner ??= new JobRunner(_engine);
            _worker ??= new Worker(_engine.Time);

            // Its slot is free from now on: the child left the queue's backlog, though its entry stays in the lane.
            _engine.QueueOf(child).GiveBackSlot(child);

            // The parent's cancellation reaches the child it runs as it would reach one on a worker.
            using var relay = token.Register(static state => ((LiveJob)state!).CancelRunning(JobCancelReason.Requested), child);
            await _runner.RunSafelyAsync(child, _worker).ConfigureAwait(false);
            _next++;
            return true;
        }

        return false;
    }

    public void Dispose() => _worker?.Cts.Dispose();
}
