namespace BackgroundTasks.PostgreSql;

/// <summary>The hosts table as the core's <see cref="IJobHostRegistry"/>, for the monitor and the dashboard.</summary>
public sealed partial class PostgreSqlJobStore : IJobHostRegistry
{
    /// <inheritdoc/>
    async ValueTask<IReadOnlyList<JobHostInfo>> IJobHostRegistry.ListHostsAsync(CancellationToken cancellationToken)
    {
        var hosts = await ListHostsAsync(cancellationToken).ConfigureAwait(false);
        return [.. hosts.Select(h => new JobHostInfo(h.Name, h.Owner, h.StartedAt, h.LastHeartbeat, LeaseDuration))];
    }
}
