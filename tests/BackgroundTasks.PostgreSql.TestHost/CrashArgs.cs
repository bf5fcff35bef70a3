namespace BackgroundTasks.PostgreSql.TestHost;

/// <param name="Key">The job's key: what the effects file records for it.</param>
/// <param name="Block">Whether the job runs until its token fires (to be cancelled from another host).</param>
/// <param name="WorkMilliseconds">How long the job works.</param>
public sealed record CrashArgs(int Key, bool Block = false, int WorkMilliseconds = 0);
