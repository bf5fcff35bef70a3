namespace BackgroundTasks;

/// <summary>What lists recurring jobs for <see cref="IJobMonitor.ListRecurringJobsAsync"/>: the recurring scheduler, when the Recurring package adds it.</summary>
internal interface IRecurringJobLister
{
    /// <summary>Lists the recurring jobs, by name, read again from the store when it keeps them.</summary>
    ValueTask<IReadOnlyList<RecurringJobInfo>> ListAsync(CancellationToken cancellationToken);
}
