using BackgroundTasks.Recurring;
using BackgroundTasks.Testing;
using Microsoft.Extensions.DependencyInjection;
using static BackgroundTasks.Tests.Harness.HarnessJobs;

namespace BackgroundTasks.Tests.Harness;

/// <summary>JobsTestHost with recurring jobs: AdvanceAsync stops at each of the scheduler's wake times.</summary>
[CancelAfter(30_000)]
public sealed class JobsTestHostScheduleTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task AdvanceAsync_HourlyRecurringJobFiveHours_RunsFiveOccurrencesEachAtItsHour(CancellationToken ct)
    {
        var log = new AttemptLog();
        await using var host = await StartAsync(log, jobs => jobs.AddRecurringJob<FlakyJob, FlakyArgs>("hourly", "0 * * * *", new FlakyArgs(1)), ct);

        await host.AdvanceAsync(TimeSpan.FromHours(5), ct);

        var hours = Enumerable.Range(1, 5).Select(h => s_start.AddHours(h)).ToList();
        Assert.That(log.Runs, Is.EqualTo(hours.Select(h => (1, h))));
        Assert.That(host.Enqueued.Select(j => (j.Record.UniqueKey, j.Record.EnqueuedAt)), Is.EqualTo(hours.Select(h => ((string?)$"recurring:hourly:{h.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}", h))));
        Assert.That(host.Time.GetUtcNow(), Is.EqualTo(s_start.AddHours(5)));
        var schedule = (await host.Monitor.ListRecurringJobsAsync(ct)).Single();
        Assert.That((schedule.LastRun, schedule.NextRun, schedule.LastRunJobId), Is.EqualTo((hours[^1], s_start.AddHours(6), host.Enqueued[^1].Id)));
    }

    [Test]
    public async Task AdvanceAsync_WeeklyScheduleOverTwoWeeks_RunsEachOccurrenceAtItsTimeAcrossTheSchedulersDailyWakes(CancellationToken ct)
    {
        // The scheduler waits a day at most: the clock stops at each of those wakes too, and the occurrences still come on time.
        var log = new AttemptLog();
        await using var host = await StartAsync(log, jobs => jobs.AddRecurringJob<FlakyJob, FlakyArgs>("monday", "30 9 * * 1", new FlakyArgs(1)), ct);

        await host.AdvanceAsync(TimeSpan.FromDays(14), ct);

        // 1 January 2026 is a Thursday.
        Assert.That(log.Runs, Is.EqualTo(new[] { (1, new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero)), (1, new DateTimeOffset(2026, 1, 12, 9, 30, 0, TimeSpan.Zero)) }));
    }

    [Test]
    public async Task AdvanceAsync_OccurrenceFailsOnce_RetryRunsAfterItsBackoffBeforeTheNextOccurrence(CancellationToken ct)
    {
        var log = new AttemptLog();
        await using var host = await StartAsync(log, jobs => jobs
            .AddQueue("reports", queue => (queue.MaxAttempts, queue.Backoff) = (2, new RetryBackoff { InitialDelay = TimeSpan.FromMinutes(1), Jitter = 0 }))
            .AddRecurringJob<FlakyJob, FlakyArgs>("every-10-min", "*/10 * * * *", new FlakyArgs(2), configure: options => options.Queue = "reports"), ct);

        await host.AdvanceAsync(TimeSpan.FromMinutes(20), ct);

        // Each occurrence fails on attempt 1 and succeeds on attempt 2, one back-off (1 minute) later.
        Assert.That(log.Runs, Is.EqualTo(new[]
        {
            (1, s_start.AddMinutes(10)), (2, s_start.AddMinutes(11)),
            (1, s_start.AddMinutes(20)),
        }));
        var retrying = await host.Monitor.QueryAsync(new JobQuery { Status = JobStatus.Retrying }, ct);
        Assert.That(retrying.Select(r => r.ScheduledAt), Is.EqualTo(new DateTimeOffset?[] { s_start.AddMinutes(21) }));
    }

    [Test]
    public async Task AdvanceAsync_ScheduleAddedAndPausedAtRunTime_FollowsTheChanges(CancellationToken ct)
    {
        var log = new AttemptLog();
        await using var host = await StartAsync(log, jobs => jobs.AddRecurringJobs(), ct);
        var recurring = host.Services.GetRequiredService<IRecurringJobs>();

        // Added while the scheduler waits a whole day: the clock still stops at the first occurrence.
        await recurring.AddOrUpdateAsync<FlakyJob, FlakyArgs>("quarter-hour", "*/15 * * * *", new FlakyArgs(1), cancellationToken: ct);
        await host.AdvanceAsync(TimeSpan.FromMinutes(30), ct);
        await recurring.PauseAsync("quarter-hour", ct);
        await host.AdvanceAsync(TimeSpan.FromHours(1), ct);
        await recurring.UnpauseAsync("quarter-hour", ct);
        await host.AdvanceAsync(TimeSpan.FromMinutes(15), ct);

        Assert.That(log.Runs, Is.EqualTo(new[] { (1, s_start.AddMinutes(15)), (1, s_start.AddMinutes(30)), (1, s_start.AddMinutes(105)) }));
    }

    [Test]
    public async Task RunUntilIdleAsync_OccurrenceDueNow_ReturnsOnlyAfterItRan(CancellationToken ct)
    {
        var log = new AttemptLog();
        await using var host = await StartAsync(log, jobs => jobs.AddRecurringJob<FlakyJob, FlakyArgs>("hourly", "0 * * * *", new FlakyArgs(1)), ct);
        await host.RunUntilIdleAsync(ct);

        // Moved by hand past the occurrence: the scheduler wakes late, and RunUntilIdleAsync waits for the job it enqueues.
        host.Time.Advance(TimeSpan.FromMinutes(61));
        await host.RunUntilIdleAsync(ct);

        Assert.That(log.Runs, Is.EqualTo(new[] { (1, s_start.AddMinutes(61)) }));
    }

    private static Task<JobsTestHost> StartAsync(AttemptLog log, Action<BackgroundJobsBuilder> recurring, CancellationToken ct)
        => JobsTestHost.StartAsync(services =>
        {
            services.AddSingleton(log);
            recurring(services.AddBackgroundJobs().AddJob<FlakyJob, FlakyArgs>("flaky"));
        }, new JobsTestHostOptions { StartTime = s_start }, ct);
}
