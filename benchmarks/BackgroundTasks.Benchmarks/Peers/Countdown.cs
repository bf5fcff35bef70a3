namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>A process-wide countdown that jobs signal from inside the job, whichever system runs them.</summary>
/// <remarks>It is static because Hangfire and Quartz build their jobs from a type or an expression, not from an instance we hold.</remarks>
public static class Countdown
{
    private static readonly ManualResetEventSlim s_done = new(initialState: true);
    private static TaskCompletionSource s_doneAsync = CreateCompleted();
    private static int s_remaining;

    /// <summary>Arms the countdown for <paramref name="count"/> completions.</summary>
    public static void Reset(int count)
    {
        s_done.Reset();
        Volatile.Write(ref s_doneAsync, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Volatile.Write(ref s_remaining, count);
    }

    /// <summary>Counts one completion; the last one wakes the waiter.</summary>
    public static void Signal()
    {
        if (Interlocked.Decrement(ref s_remaining) == 0)
        {
            s_done.Set();
            Volatile.Read(ref s_doneAsync).TrySetResult();
        }
    }

    /// <summary>
    /// Waits for the armed number of completions without blocking a thread: use it wherever the caller may
    /// be on a thread-pool thread (after an enqueue that completed asynchronously), where a blocking wait
    /// would take a thread from the contender's own workers.
    /// </summary>
    /// <exception cref="TimeoutException">They did not all complete within two minutes.</exception>
    public static async Task WaitAsync()
    {
        try
        {
            await Volatile.Read(ref s_doneAsync).Task.WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Volatile.Read(ref s_remaining)} jobs did not complete within two minutes.");
        }
    }

    /// <summary>Waits for the armed number of completions.</summary>
    /// <exception cref="TimeoutException">They did not all complete within <paramref name="timeout"/>.</exception>
    public static void Wait(TimeSpan timeout)
    {
        if (!s_done.Wait(timeout))
        {
            throw new TimeoutException($"{Volatile.Read(ref s_remaining)} jobs did not complete within {timeout}.");
        }
    }

    /// <summary>Waits for the armed number of completions, at most two minutes.</summary>
    public static void Wait() => Wait(TimeSpan.FromMinutes(2));

    private static TaskCompletionSource CreateCompleted()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
