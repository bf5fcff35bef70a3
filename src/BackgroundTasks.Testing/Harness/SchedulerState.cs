namespace BackgroundTasks.Testing;

/// <summary>What <see cref="SchedulerWatch.Read"/> saw: whether the recurring scheduler runs, and until when it waits (<see langword="null"/> while it works).</summary>
internal readonly record struct SchedulerState(bool Running, DateTimeOffset? WaitingUntil);
