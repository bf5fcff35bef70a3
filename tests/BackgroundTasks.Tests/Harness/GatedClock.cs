using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Tests.Harness;

/// <summary>A fake clock that holds whoever sets a timer with one due time until the test releases it.</summary>
public sealed class GatedClock(DateTimeOffset start, TimeSpan gatedDueTime) : FakeTimeProvider(start), IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a timer with the gated due time is being set.</summary>
    public Task Entered => _entered.Task;

    public void Release() => _release.Set();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == gatedDueTime)
        {
            _entered.TrySetResult();
            _release.Wait();
        }

        return base.CreateTimer(callback, state, dueTime, period);
    }

    public void Dispose() => _release.Dispose();
}
