namespace BackgroundTasks.Tests.Queue;

[CancelAfter(20_000)]
public sealed class PriorityTests
{
    [Test]
    public async Task Workers_MixedPriorities_TakeHighThenNormalThenLow(CancellationToken ct)
    {
        await using var host = JobsHost.Create(o => o.Queues["default"].Workers = 1);
        var order = new List<string>();
        var track = Tracker(order);

        await host.Queue.EnqueueAsync(track("low-1"), new JobOptions { Priority = JobPriority.Low }, ct);
        await host.Queue.EnqueueAsync(track("normal-1"), null, ct);
        await host.Queue.EnqueueAsync(track("high-1"), new JobOptions { Priority = JobPriority.High }, ct);
        await host.Queue.EnqueueAsync(track("low-2"), new JobOptions { Priority = JobPriority.Low }, ct);
        await host.Queue.EnqueueAsync(track("high-2"), new JobOptions { Priority = JobPriority.High }, ct);
        var last = await host.Queue.EnqueueAsync(track("normal-2"), null, ct);
        await host.Host.StartAsync(ct);
        await host.Store.WaitUntilAsync(() => order.Count == 6, "all six jobs to run", ct);

        Assert.That(order, Is.EqualTo(new[] { "high-1", "high-2", "normal-1", "normal-2", "low-1", "low-2" }));
    }

    [Test]
    public async Task Workers_SteadyHighPriorityStream_LowJobIsNotStarved(CancellationToken ct)
    {
        await using var host = JobsHost.Create(o => o.Queues["default"].Workers = 1);
        var order = new List<string>();
        var track = Tracker(order);

        await host.Queue.EnqueueAsync(track("low"), new JobOptions { Priority = JobPriority.Low }, ct);
        for (var i = 0; i < 50; i++)
        {
            await host.Queue.EnqueueAsync(track($"high-{i}"), new JobOptions { Priority = JobPriority.High }, ct);
        }

        await host.Host.StartAsync(ct);
        await host.Store.WaitUntilAsync(() => order.Count == 51, "all jobs to run", ct);

        var lowAt = order.IndexOf("low");
        Assert.That(lowAt, Is.LessThanOrEqualTo(NamedQueue.StarvationLimit), $"The low job ran at position {lowAt}: it was passed over more than {NamedQueue.StarvationLimit} times.");
        Assert.That(order.Take(lowAt), Is.All.StartsWith("high"), "High jobs still go first until the limit.");
    }

    /// <summary>Makes jobs that append their name to <paramref name="order"/> when they run.</summary>
    private static Func<string, Func<JobContext, Task>> Tracker(List<string> order) => name => _ =>
    {
        lock (order)
        {
            order.Add(name);
        }

        return Task.CompletedTask;
    };
}
