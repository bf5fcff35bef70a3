namespace BackgroundTasks.Testing;

/// <summary>The <see cref="IJobStore"/> contract as executable rules: what a store's record must be after each write.</summary>
internal static class ContractModel
{
    public static readonly DateTimeOffset BaseTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static bool IsApplied(JobRecord current, JobTransition transition)
        => JobTransition.IsAllowed(current.Status, transition.Status)
            && (transition.Status != JobStatus.Running || transition.Attempt > current.Attempt);

    /// <summary>The record after an applied transition: only the fields the contract names change.</summary>
    public static JobRecord Apply(JobRecord current, JobTransition transition) => transition.Status switch
    {
        JobStatus.Running => current with { Status = JobStatus.Running, Attempt = transition.Attempt, StartedAt = transition.Timestamp, ScheduledAt = null },
        JobStatus.Retrying => current with { Status = JobStatus.Retrying, ScheduledAt = transition.ScheduledAt, Error = transition.Error },
        JobStatus.Succeeded => current with { Status = JobStatus.Succeeded, FinishedAt = transition.Timestamp, Result = transition.Result, ScheduledAt = null },
        JobStatus.Failed => current with { Status = JobStatus.Failed, FinishedAt = transition.Timestamp, Error = transition.Error ?? current.Error, ScheduledAt = null },
        JobStatus.Cancelled => current with { Status = JobStatus.Cancelled, FinishedAt = transition.Timestamp, Error = transition.Error ?? current.Error, ScheduledAt = null, CancelReason = transition.CancelReason },
        JobStatus.Scheduled => current with { Status = JobStatus.Scheduled, ScheduledAt = transition.ScheduledAt },
        _ => current with { Status = transition.Status, ScheduledAt = null },
    };

    /// <summary>What the contract says a transition does, for violation messages.</summary>
    public static string Rule(JobRecord current, JobTransition transition)
    {
        if (!JobTransition.IsAllowed(current.Status, transition.Status))
        {
            return current.Status.IsTerminal()
                ? $"a terminal status ({current.Status}) is final, so the store changes nothing and returns false"
                : $"JobTransition.IsAllowed({current.Status}, {transition.Status}) is false, so the store changes nothing and returns false";
        }

        if (transition.Status == JobStatus.Running && transition.Attempt <= current.Attempt)
        {
            return $"a transition to Running needs an attempt greater than the recorded one ({current.Attempt}), so the store changes nothing and returns false";
        }

        return transition.Status switch
        {
            JobStatus.Running => "the transition is allowed, so it returns true and sets Status, Attempt and StartedAt (the transition's timestamp), clears ScheduledAt and changes nothing else",
            JobStatus.Retrying => "the transition is allowed, so it returns true and sets Status, ScheduledAt and Error and changes nothing else",
            JobStatus.Succeeded => "the transition is allowed, so it returns true and sets Status, FinishedAt (the transition's timestamp) and Result, clears ScheduledAt and changes nothing else",
            JobStatus.Failed => "the transition is allowed, so it returns true and sets Status, FinishedAt (the transition's timestamp) and, when the transition carries one, Error; it clears ScheduledAt and changes nothing else (CancelReason stays None)",
            JobStatus.Cancelled => "the transition is allowed, so it returns true and sets Status, FinishedAt (the transition's timestamp), CancelReason (the transition's reason) and, when the transition carries one, Error; it clears ScheduledAt and changes nothing else",
            _ => $"the transition is allowed, so it returns true, sets Status to {transition.Status}, clears ScheduledAt and changes nothing else",
        };
    }

    public static JobRecord NewJob(JobStatus status = JobStatus.Queued, string queue = "default", string? name = "conformance", JobId? parentId = null)
        => new()
        {
            Id = JobId.NewId(),
            Name = name,
            Queue = queue,
            Priority = JobPriority.Normal,
            Status = status,
            MaxAttempts = 3,
            EnqueuedAt = BaseTime,
            ScheduledAt = status == JobStatus.Scheduled ? BaseTime.AddHours(1) : null,
            ParentId = parentId,
        };

    public static JobError Error(string message, bool timedOut = false)
        => new("System.InvalidOperationException", message, $"System.InvalidOperationException: {message}\n   at Conformance.Job()", timedOut);
}
