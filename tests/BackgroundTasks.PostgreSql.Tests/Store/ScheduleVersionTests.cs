using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.PostgreSql.Tests.Store;

/// <summary>How a host learns that another changed the recurring jobs: by notification at once, or by the 30-second read of the version row.</summary>
[CancelAfter(60_000)]
public sealed class ScheduleVersionTests
{
    private static RecurringJobRecord Nightly => new() { Name = "nightly", JobName = "report", Cron = "0 3 * * *", Arguments = "{}" };

    [Test]
    public async Task GetRecurringJobsVersionAsync_AnotherStoreSaves_ChangesOnTheNotificationWithoutWaitingForTheSafetyRead(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var clock = new FakeTimeProvider(TestJobs.Start);
        await using var a = schema.Open(time: clock);
        await using var b = schema.Open(time: clock);
        await b.Notifier.Listening.WaitAsync(ct);
        var before = await b.GetRecurringJobsVersionAsync(ct);

        await a.SaveRecurringJobAsync(Nightly, ct);

        // The clock stands still, so the version row is not read again: only the notification can change the answer.
        await Poll.UntilAsync(async () => await b.GetRecurringJobsVersionAsync(ct) != before, TimeSpan.FromSeconds(10), "store B's version to change on store A's notification", ct);
        Assert.That(await b.ListRecurringJobsAsync(ct), Is.EqualTo(new[] { Nightly }));
    }

    [Test]
    public async Task GetRecurringJobsVersionAsync_PollOnlyStore_SeesAnotherStoresChangeAtTheSafetyRead(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var clock = new FakeTimeProvider(TestJobs.Start);
        await using var a = schema.Open(time: clock);
        await using var b = schema.Open(o => o.PollOnly = true, time: clock);
        var before = await b.GetRecurringJobsVersionAsync(ct);

        await a.SaveRecurringJobAsync(Nightly, ct);
        Assert.That(await a.PauseRecurringJobAsync("nightly", paused: true, ct), Is.True);
        clock.Advance(PostgreSqlJobStore.ScheduleSafetyRead - TimeSpan.FromSeconds(1));
        Assert.That(await b.GetRecurringJobsVersionAsync(ct), Is.EqualTo(before), "No notification reaches a poll-only store, and the row is read again only after 30 s.");

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await b.GetRecurringJobsVersionAsync(ct), Is.Not.EqualTo(before));
    }
}
