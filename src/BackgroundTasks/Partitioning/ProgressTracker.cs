namespace BackgroundTasks;

/// <summary>Counts the items a loop has finished and reports the count, only ever forwards, to an <see cref="IProgress{T}"/>.</summary>
internal sealed class ProgressTracker(IProgress<JobProgress> progress, long? total)
{
    private readonly Lock _gate = new();
    private long _done;
    private long _reported = -1;

    /// <summary>Makes a tracker, or returns <see langword="null"/> when there is nowhere to report.</summary>
    public static ProgressTracker? Create(PartitionOptions options, long? total)
        => options.Progress is { } progress ? new ProgressTracker(progress, total) : null;

    /// <summary>Adds finished items and reports the new count, unless a larger count was reported already.</summary>
    public void Add(long items)
    {
        var done = Interlocked.Add(ref _done, items);
        lock (_gate)
        {
            // Reports from different workers may arrive out of order; a smaller count is stale.
            if (done <= _reported)
            {
                return;
            }

            _reported = done;
            progress.Report(ToProgress(done, total));
        }
    }

    private static JobProgress ToProgress(long done, long? total) => total switch
    {
        0 => new JobProgress(100, null, 0, 0),
        { } all => new JobProgress(Math.Min(100, done * 100.0 / all), null, done, all),
        null => new JobProgress(0, null, done, null),
    };
}
