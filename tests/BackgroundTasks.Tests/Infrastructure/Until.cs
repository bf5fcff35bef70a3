namespace BackgroundTasks.Tests;

/// <summary>Awaitables for jobs in tests.</summary>
public static class Until
{
    /// <summary>Completes (as cancelled) only when the token fires: a job that runs until it is told to stop.</summary>
    public static Task Cancelled(CancellationToken cancellationToken)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), stopped);
        return stopped.Task;
    }

    /// <summary>Enqueues a job that runs until its token fires, and returns its id once it runs.</summary>
    public static async Task<JobId> StartCancellableJobAsync(this IJobQueue queue, JobOptions? options, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await queue.EnqueueAsync(ctx =>
        {
            started.SetResult();
            return Cancelled(ctx.CancellationToken);
        }, options, cancellationToken);
        await started.Task.WaitAsync(cancellationToken);
        return id;
    }
}
