namespace BackgroundTasks.Testing;

/// <summary>
/// The inline mode of a <see cref="JobsTestHost"/> (<see cref="JobsTestHostOptions.RunInline"/>): an enqueue made by the
/// code under test returns once the jobs are idle. An enqueue made while a job runs, or within another enqueue (from a
/// state observer, say), returns at once: waiting there for the jobs to be idle would wait for itself.
/// </summary>
internal sealed class InlineRuns
{
    // Set in the flow of each job's run (by InlineJobMarker) and of each enqueue that waits: what they call sees it.
    private static readonly AsyncLocal<bool> s_inside = new();

    private Func<CancellationToken, Task>? _runUntilIdle;

    /// <summary>Gets a value indicating whether the code running now is a job's run, or an enqueue that waits already.</summary>
    public static bool Inside => s_inside.Value;

    /// <summary>Marks the current flow (a job's run, or an enqueue) as one whose enqueues return at once.</summary>
    public static void MarkInside() => s_inside.Value = true;

    /// <summary>Starts waiting enqueues, with what waits until the jobs are idle (set once the host has started).</summary>
    public void Attach(Func<CancellationToken, Task> runUntilIdle) => _runUntilIdle = runUntilIdle;

    /// <summary>Decides whether the enqueue about to be made waits for the jobs, and marks its flow.</summary>
    /// <returns>What to wait with after the enqueue; <see langword="null"/> to return at once.</returns>
    public Func<CancellationToken, Task>? Begin()
    {
        if (_runUntilIdle is not { } wait || Inside)
        {
            return null;
        }

        // Only this call's flow: the caller's own value comes back when the (async) enqueue returns.
        MarkInside();
        return wait;
    }
}
