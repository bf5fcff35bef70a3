namespace BackgroundTasks.Sqlite.TestHost;

/// <summary>The arguments of a <see cref="CrashJob"/>.</summary>
/// <param name="Key">The job's key: which of the enqueued jobs it is, counted from 0.</param>
/// <param name="WorkMilliseconds">How long the job works.</param>
/// <param name="Steps">How many steps the work takes, each reported as progress.</param>
public sealed record CrashArgs(int Key, int WorkMilliseconds, int Steps);
