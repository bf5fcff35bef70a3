using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Dashboard.Tests.Statistics;

public sealed class ThroughputRingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 10, 0, 30, TimeSpan.Zero));

    [Test]
    public void Last_CountsOverThreeMinutes_OldestFirst()
    {
        var ring = new ThroughputRing(_time);
        ring.Add(JobOutcome.Succeeded, 3);
        _time.Advance(TimeSpan.FromMinutes(1));
        ring.Add(JobOutcome.Failed);
        ring.Add(JobOutcome.Enqueued, 5);
        _time.Advance(TimeSpan.FromMinutes(1));
        ring.Add(JobOutcome.Cancelled);
        ring.Add(JobOutcome.Retried, 2);

        var last = ring.Last(4);

        Assert.That(last.Select(m => m.Start.Minute), Is.EqualTo(new[] { 59, 0, 1, 2 }));
        Assert.That(last.Select(m => (m.Enqueued, m.Succeeded, m.Failed, m.Cancelled, m.Retried)), Is.EqualTo(new[]
        {
            (0L, 0L, 0L, 0L, 0L),
            (0L, 3L, 0L, 0L, 0L),
            (5L, 0L, 1L, 0L, 0L),
            (0L, 0L, 0L, 1L, 2L),
        }));
    }

    [Test]
    public void Last_SlotReusedAnHourLater_ForgetsTheOldCounts()
    {
        var ring = new ThroughputRing(_time);
        ring.Add(JobOutcome.Succeeded, 7);

        _time.Advance(TimeSpan.FromHours(1));
        var hourLater = ring.Last(ThroughputRing.Minutes);
        ring.Add(JobOutcome.Succeeded);

        Assert.That(hourLater.Sum(m => m.Succeeded), Is.Zero, "an hour later the old minute is out of the window");
        Assert.That(ring.Last(1)[0].Succeeded, Is.EqualTo(1), "the slot starts again from zero");
    }

    [Test]
    public async Task Add_ManyThreadsAtOnce_CountsEveryOne()
    {
        var ring = new ThroughputRing(_time);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                ring.Add(JobOutcome.Succeeded);
            }
        })));

        Assert.That(ring.Last(1)[0].Succeeded, Is.EqualTo(40_000));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Listener_JobsOfTwoAppsInOneProcess_CountsOnlyItsOwn(CancellationToken ct)
    {
        await using var first = await DashboardApp.StartAsync();
        await using var second = await DashboardApp.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await first.Monitor.WaitAsync(await first.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct), ct);
        }

        await second.Monitor.WaitAsync(await second.Queue.EnqueueAsync(_ => throw new InvalidOperationException(), cancellationToken: ct), ct);

        var mine = Sum(first);
        var theirs = Sum(second);

        Assert.That((mine.Enqueued, mine.Succeeded, mine.Failed), Is.EqualTo((3L, 3L, 0L)));
        Assert.That((theirs.Enqueued, theirs.Succeeded, theirs.Failed), Is.EqualTo((1L, 0L, 1L)));
    }

    private static (long Enqueued, long Succeeded, long Failed) Sum(DashboardApp app)
    {
        var minutes = app.App.Services.GetService(typeof(ThroughputRing)) is ThroughputRing ring ? ring.Last(ThroughputRing.Minutes) : throw new AssertionException("no ring");
        return (minutes.Sum(m => m.Enqueued), minutes.Sum(m => m.Succeeded), minutes.Sum(m => m.Failed));
    }
}
