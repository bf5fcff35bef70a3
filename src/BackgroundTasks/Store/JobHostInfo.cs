namespace BackgroundTasks;

/// <summary>One host instance that shares a store, as its heartbeats recorded it (<see cref="IJobHostRegistry"/>).</summary>
/// <param name="Name">The host's name (<see cref="BackgroundJobsOptions.HostName"/>).</param>
/// <param name="Owner">The instance's owner name, <c>"{host}/{instance}"</c>: the name its claims carry.</param>
/// <param name="StartedAt">When the instance recorded its first heartbeat.</param>
/// <param name="LastHeartbeat">When the instance last renewed its leases.</param>
/// <param name="LeaseDuration">
/// The store's lease duration (<see cref="IDurableJobStore.LeaseDuration"/>). A host renews its leases every third of
/// it; when its last heartbeat is older than the whole of it, the host has missed three renewals, its leases have
/// expired and other hosts may recover its jobs.
/// </param>
public sealed record JobHostInfo(string Name, string Owner, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, TimeSpan LeaseDuration)
{
    /// <summary>Tells whether the host has missed three heartbeats: its last one is older than <see cref="LeaseDuration"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when <paramref name="now"/> is more than <see cref="LeaseDuration"/> after <see cref="LastHeartbeat"/>.</returns>
    public bool IsStale(DateTimeOffset now) => now - LastHeartbeat > LeaseDuration;
}
