namespace BackgroundTasks.Tests.Partitioning;

/// <summary>An <see cref="IProgress{T}"/> that keeps every report, synchronously and thread-safely.</summary>
internal sealed class RecordingProgress : IProgress<JobProgress>
{
    private readonly Lock _gate = new();
    private readonly List<JobProgress> _reports = [];

    public IReadOnlyList<JobProgress> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(JobProgress value)
    {
        lock (_gate)
        {
            _reports.Add(value);
        }
    }
}
