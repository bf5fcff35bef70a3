namespace BackgroundTasks.PostgreSql.Tests;

/// <summary>Records for tests, at a fixed time.</summary>
internal static class TestJobs
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static JobRecord Typed(string queue = "default", JobPriority priority = JobPriority.Normal, int maxAttempts = 3, DateTimeOffset? enqueuedAt = null)
        => new()
        {
            Id = JobId.NewId(),
            Name = "send-invoice",
            Queue = queue,
            Priority = priority,
            Status = JobStatus.Queued,
            MaxAttempts = maxAttempts,
            EnqueuedAt = enqueuedAt ?? Start,
            Arguments = """{"invoice":42}""",
        };

    public static JobRecord Lambda(string queue = "default", int maxAttempts = 3)
        => Typed(queue, maxAttempts: maxAttempts) with { Name = null, Arguments = null };

    public static JobRecord Scheduled(DateTimeOffset dueAt, string queue = "default", JobPriority priority = JobPriority.Normal)
        => Typed(queue, priority) with { Status = JobStatus.Scheduled, ScheduledAt = dueAt };
}
