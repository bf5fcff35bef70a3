using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Tests.Queue;

/// <summary>What ends a claim loop's wait: a ring at once, a due time the store reported when it comes (not before), or the poll.</summary>
[CancelAfter(10_000)]
public sealed class QueueClaimsTests
{
    private static readonly TimeSpan s_poll = TimeSpan.FromSeconds(10);

    [Test]
    public async Task WaitAsync_DueTimeReportedWhileWaiting_EndsWhenDueNotBefore(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        using var queue = new NamedQueue("default", new JobQueueOptions(), time);
        var claims = new QueueClaims(queue);

        var wait = claims.WaitAsync(s_poll, time, ct);
        claims.Expect((time.GetUtcNow() + TimeSpan.FromSeconds(3)).UtcTicks);
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.That(wait.IsCompleted, Is.False, "The reported due time woke the loop to claim before it came.");

        time.Advance(TimeSpan.FromSeconds(0.1));
        await wait.WaitAsync(ct);
    }

    [Test]
    public async Task WaitAsync_LaterDueTimeReported_KeepsTheEarlierOne(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        using var queue = new NamedQueue("default", new JobQueueOptions(), time);
        var claims = new QueueClaims(queue);
        claims.Expect((time.GetUtcNow() + TimeSpan.FromSeconds(2)).UtcTicks);

        var wait = claims.WaitAsync(s_poll, time, ct);
        claims.Expect((time.GetUtcNow() + TimeSpan.FromSeconds(5)).UtcTicks);
        time.Advance(TimeSpan.FromSeconds(2));

        await wait.WaitAsync(ct);
    }

    [Test]
    public async Task WaitAsync_Ring_EndsAtOnce(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        using var queue = new NamedQueue("default", new JobQueueOptions(), time);
        var claims = new QueueClaims(queue);
        claims.Expect((time.GetUtcNow() + TimeSpan.FromSeconds(3)).UtcTicks);

        var wait = claims.WaitAsync(s_poll, time, ct);
        Assert.That(wait.IsCompleted, Is.False);
        claims.Ring();

        await wait.WaitAsync(ct);
    }

    [Test]
    public async Task WaitAsync_NothingWakesIt_EndsAtThePoll(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        using var queue = new NamedQueue("default", new JobQueueOptions(), time);
        var claims = new QueueClaims(queue);

        var wait = claims.WaitAsync(s_poll, time, ct);
        time.Advance(s_poll - TimeSpan.FromMilliseconds(1));
        Assert.That(wait.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await wait.WaitAsync(ct);
    }

    [TestCase(1000, 0, 1000)]
    [TestCase(1000, 1, 1000)]
    [TestCase(1000, 2, 2000)]
    [TestCase(1000, 5, 16000)]
    [TestCase(1000, 6, 30000)]
    [TestCase(1000, 1000, 30000)]
    [TestCase(3_600_000, 4, 3_600_000)]
    public void ListeningPollWait_EmptyClaims_DoublesFromThePollUpTo30Seconds(int pollMs, int emptyClaims, int expectedMs)
        => Assert.That(JobClaimer.ListeningPollWait(TimeSpan.FromMilliseconds(pollMs), emptyClaims), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
}
