namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>One kill measurement and the load average when it ended.</summary>
/// <param name="Kind">The contender.</param>
/// <param name="Shared">Whether another host already on the file recovered the job (else a host restarted under the same name).</param>
/// <param name="Outcome">What it found.</param>
/// <param name="Load">The 1, 5 and 15 minute load averages at the end.</param>
public sealed record KillResult(DurableContender Kind, bool Shared, KillRecovery.Outcome Outcome, string Load);
