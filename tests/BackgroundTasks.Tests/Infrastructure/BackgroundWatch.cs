namespace BackgroundTasks.Tests;

/// <summary>Watches one job on another task and keeps every record it sees, for tests that act while it watches.</summary>
public sealed class BackgroundWatch
{
    private readonly TaskCompletionSource _firstSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BackgroundWatch()
    {
    }

    /// <summary>Gets the records seen so far, in order; read it once <see cref="Completion"/> has finished.</summary>
    public List<JobRecord> Records { get; } = [];

    /// <summary>Gets a task that completes once the first record arrived: the watch is registered.</summary>
    public Task FirstSeen => _firstSeen.Task;

    /// <summary>Gets the task that completes when the watch ends (the job reached a terminal status).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts watching <paramref name="id"/> on a thread-pool task.</summary>
    public static BackgroundWatch Start(IJobMonitor monitor, JobId id, CancellationToken cancellationToken)
    {
        var watch = new BackgroundWatch();
        watch.Completion = Task.Run(async () =>
        {
            await foreach (var record in monitor.WatchAsync(id, cancellationToken))
            {
                watch.Records.Add(record);
                watch._firstSeen.TrySetResult();
            }
        }, cancellationToken);
        return watch;
    }
}
