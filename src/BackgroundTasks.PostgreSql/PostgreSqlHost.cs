namespace BackgroundTasks.PostgreSql;

/// <summary>One host instance that shares a <see cref="PostgreSqlJobStore"/>, as its heartbeats recorded it.</summary>
/// <param name="Name">The host's name (<c>BackgroundJobsOptions.HostName</c>).</param>
/// <param name="Owner">The instance's owner name, <c>"{host}/{instance}"</c>: the name its claims carry.</param>
/// <param name="StartedAt">When the instance first renewed its leases.</param>
/// <param name="LastHeartbeat">When the instance last renewed its leases.</param>
public sealed record PostgreSqlHost(string Name, string Owner, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat);
