namespace BackgroundTasks;

/// <summary>
/// Implemented by a store that several hosts share and that records their heartbeats, to list those hosts (the
/// dashboard's overview shows them through <see cref="IJobMonitor.ListHostsAsync"/>). A store without it lists none.
/// </summary>
public interface IJobHostRegistry
{
    /// <summary>Lists the host instances that share this store, as their heartbeats recorded them.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The host instances the store still knows, most recently started first.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first.</exception>
    ValueTask<IReadOnlyList<JobHostInfo>> ListHostsAsync(CancellationToken cancellationToken = default);
}
