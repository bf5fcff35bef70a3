namespace BackgroundTasks.Recurring;

/// <summary>What the scheduler's timer completes when the next occurrence is due (a type of its own, so that tests can tell its timers apart).</summary>
internal sealed class DueSignal() : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public static void Fire(object? state) => ((DueSignal)state!).TrySetResult();
}
