namespace BackgroundTasks.Dashboard;

/// <summary>The store's counts by queue and status (<see cref="IJobMonitor.CountAsync"/>), with the sums the pages show.</summary>
internal sealed class JobCounts(IReadOnlyDictionary<(string Queue, JobStatus Status), int> counts, IEnumerable<string> configuredQueues, IReadOnlyList<RecurringJobInfo>? recurringJobs = null)
{
    /// <summary>Gets the recurring jobs (<see cref="IJobMonitor.ListRecurringJobsAsync"/>), or <see langword="null"/> when this app does not add them.</summary>
    public IReadOnlyList<RecurringJobInfo>? RecurringJobs { get; } = recurringJobs;

    public static IReadOnlyList<JobStatus> Statuses { get; } = Enum.GetValues<JobStatus>();

    /// <summary>Gets every queue that is configured on this host or has jobs in the store, in name order.</summary>
    public IReadOnlyList<string> Queues { get; } = [.. configuredQueues.Concat(counts.Keys.Select(static k => k.Queue)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public int Total => counts.Values.Sum();

    public int Of(JobStatus status) => counts.Where(c => c.Key.Status == status).Sum(static c => c.Value);

    public int Of(string queue, JobStatus status) => counts.GetValueOrDefault((queue, status));

    public int Of(string? queue, JobStatus? status)
        => counts.Where(c => (queue is null || string.Equals(c.Key.Queue, queue, StringComparison.Ordinal)) && (status is null || c.Key.Status == status)).Sum(static c => c.Value);

    public int OfQueue(string queue) => counts.Where(c => string.Equals(c.Key.Queue, queue, StringComparison.Ordinal)).Sum(static c => c.Value);

    /// <summary>Gets the jobs waiting for a due time: Scheduled and Retrying.</summary>
    public int Waiting => Of(JobStatus.Scheduled) + Of(JobStatus.Retrying);

    public static async Task<JobCounts> ReadAsync(DashboardRequest request)
    {
        var counts = await request.Monitor.CountAsync(request.Aborted).ConfigureAwait(false);
        var recurring = request.Recurring is null ? null : await request.Monitor.ListRecurringJobsAsync(request.Aborted).ConfigureAwait(false);
        return new JobCounts(counts, request.JobsOptions?.Queues.Keys ?? [], recurring);
    }
}
