using BackgroundTasks.Recurring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BackgroundTasks.Tests.Recurring;

/// <summary>Recurring jobs on a fake clock: daylight saving in two time zones, misfires after downtime, two hosts on one store.</summary>
[CancelAfter(60_000)]
public sealed class RecurringJobTests
{
    private static readonly TimeZoneInfo s_newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo s_berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Test]
    public async Task Scheduler_SpringForwardInTwoTimeZones_EnqueuesEachDayOnceAtItsLocalTime(CancellationToken ct)
    {
        // 02:30 does not exist on the day clocks go forward (New York on 8 March, Berlin on 29 March 2026): that day's
        // occurrence comes at the change, 03:00 local time.
        var clock = new SchedulerClock(new DateTimeOffset(2026, 3, 6, 0, 0, 0, TimeSpan.Zero));
        var expected = Daily(s_newYork, new DateOnly(2026, 3, 6), new DateOnly(2026, 3, 31), new TimeOnly(2, 30), new DateOnly(2026, 3, 8), new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero))
            .Select(t => ("ny", t))
            .Concat(Daily(s_berlin, new DateOnly(2026, 3, 6), new DateOnly(2026, 3, 31), new TimeOnly(2, 30), new DateOnly(2026, 3, 29), new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero)).Select(t => ("berlin", t)))
            .ToList();

        await RunSchedulesAsync(clock, expected, jobs => jobs
            .AddRecurringJob<ReportJob, ReportArgs>("ny", "30 2 * * *", new ReportArgs("ny"), s_newYork)
            .AddRecurringJob<ReportJob, ReportArgs>("berlin", "30 2 * * *", new ReportArgs("berlin"), s_berlin), ct);
    }

    [Test]
    public async Task Scheduler_FallBackInTwoTimeZones_EnqueuesTheRepeatedHourOnce(CancellationToken ct)
    {
        // 01:30 in New York (1 November 2026) and 02:30 in Berlin (25 October 2026) happen twice: the job runs once, at the first.
        var clock = new SchedulerClock(new DateTimeOffset(2026, 10, 24, 0, 0, 0, TimeSpan.Zero));
        var expected = Daily(s_berlin, new DateOnly(2026, 10, 24), new DateOnly(2026, 11, 2), new TimeOnly(2, 30), new DateOnly(2026, 10, 25), new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero))
            .Select(t => ("berlin", t))
            .Concat(Daily(s_newYork, new DateOnly(2026, 10, 24), new DateOnly(2026, 11, 2), new TimeOnly(1, 30), new DateOnly(2026, 11, 1), new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero)).Select(t => ("ny", t)))
            .ToList();

        await RunSchedulesAsync(clock, expected, jobs => jobs
            .AddRecurringJob<ReportJob, ReportArgs>("ny", "30 1 * * *", new ReportArgs("ny"), s_newYork)
            .AddRecurringJob<ReportJob, ReportArgs>("berlin", "30 2 * * *", new ReportArgs("berlin"), s_berlin), ct);
    }

    [Test]
    public async Task Scheduler_TwoHostsOnOneSqliteFile_EnqueueAndRunEveryOccurrenceOnce(CancellationToken ct)
    {
        using var database = new TemporaryFile("recurring.db");
        var clock = new SchedulerClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var runs = new ReportRuns();
        using var a = BuildHost(clock, "host-a", database.Path, runs, jobs => jobs.AddRecurringJob<ReportJob, ReportArgs>("every-10s", "*/10 * * * * *", new ReportArgs("ticks")));
        using var b = BuildHost(clock, "host-b", database.Path, runs, jobs => jobs.AddRecurringJob<ReportJob, ReportArgs>("every-10s", "*/10 * * * * *", new ReportArgs("ticks")));
        await a.StartAsync(ct);
        await b.StartAsync(ct);

        var occurrences = Enumerable.Range(1, 12).Select(i => clock.GetUtcNow().AddSeconds(10 * i)).ToList();
        foreach (var due in occurrences)
        {
            await clock.AdvanceWhenScheduledAsync(due, schedulers: 2, ct);
        }

        // Both schedulers have moved past the last occurrence once they set their timers for the next.
        await WaitForSchedulersAsync(clock, occurrences[^1].AddSeconds(10), 2, ct);
        var monitor = a.Services.GetRequiredService<IJobMonitor>();
        var records = await monitor.QueryAsync(new JobQuery { Name = "report", Take = 1000 }, ct);
        Assert.That(records.Select(r => r.UniqueKey), Is.EquivalentTo(occurrences.Select(t => $"recurring:every-10s:{t.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}")));
        await Poll.UntilAsync(() => runs.Runs.Count >= occurrences.Count, $"the {occurrences.Count} occurrences to run", ct);
        Assert.That(runs.Runs.Select(r => r.Id), Is.EquivalentTo(records.Select(r => r.Id)), "Every occurrence ran once, on one of the hosts.");
        await b.StopAsync(CancellationToken.None);
        await a.StopAsync(CancellationToken.None);
    }

    [TestCase(MisfirePolicy.RunOnce)]
    [TestCase(MisfirePolicy.Skip)]
    public async Task Scheduler_RestartAfterDowntime_AppliesTheMisfirePolicy(MisfirePolicy policy, CancellationToken ct)
    {
        using var database = new TemporaryFile("misfire.db");
        var clock = new SchedulerClock(new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.Zero));
        var runs = new ReportRuns();
        void Hourly(BackgroundJobsBuilder jobs) => jobs.AddRecurringJob<ReportJob, ReportArgs>("hourly", "0 * * * *", new ReportArgs("hourly"), configure: o => o.Misfire = policy);
        var first = new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.Zero);
        using (var before = BuildHost(clock, "host-a", database.Path, runs, Hourly))
        {
            await before.StartAsync(ct);
            await clock.AdvanceWhenScheduledAsync(first, schedulers: 1, ct);
            await WaitForSchedulersAsync(clock, first.AddHours(1), 1, ct);
            await before.StopAsync(CancellationToken.None);
        }

        // Down from 01:00:30 to 05:30: the occurrences of 02:00, 03:00, 04:00 and 05:00 are missed.
        clock.SetUtcNow(new DateTimeOffset(2026, 1, 1, 5, 30, 0, TimeSpan.Zero));
        using var after = BuildHost(clock, "host-a", database.Path, runs, Hourly);
        await after.StartAsync(ct);
        await WaitForSchedulersAsync(clock, new DateTimeOffset(2026, 1, 1, 6, 0, 0, TimeSpan.Zero), 1, ct);

        var monitor = after.Services.GetRequiredService<IJobMonitor>();
        var records = await monitor.QueryAsync(new JobQuery { Name = "report" }, ct);
        var keys = records.Select(r => r.UniqueKey).ToList();
        var expected = policy == MisfirePolicy.RunOnce
            ? new[] { "recurring:hourly:2026-01-01T01:00:00Z", "recurring:hourly:2026-01-01T05:00:00Z" }
            : ["recurring:hourly:2026-01-01T01:00:00Z"];
        Assert.That(keys, Is.EquivalentTo(expected));
        var schedule = (await monitor.ListRecurringJobsAsync(ct)).Single();
        Assert.That(schedule.NextRun, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 6, 0, 0, TimeSpan.Zero)));
        Assert.That(schedule.LastRun, Is.EqualTo(policy == MisfirePolicy.RunOnce ? new DateTimeOffset(2026, 1, 1, 5, 0, 0, TimeSpan.Zero) : first), "The store kept the last run across the restart.");
        Assert.That(schedule.LastRunJobId, Is.EqualTo(records.Single(r => r.UniqueKey == expected[^1]).Id), "The last run's job is the one its key names.");
        await after.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task RecurringJobs_AddPauseUnpauseTriggerRemoveAtRunTime_ChangeWhatIsEnqueued(CancellationToken ct)
    {
        var clock = new SchedulerClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var runs = new ReportRuns();
        using var host = BuildHost(clock, "host-a", database: null, runs, jobs => jobs.AddRecurringJobs());
        await host.StartAsync(ct);
        var recurring = host.Services.GetRequiredService<IRecurringJobs>();
        var monitor = host.Services.GetRequiredService<IJobMonitor>();

        await recurring.AddOrUpdateAsync<ReportJob, ReportArgs>("minutely", "* * * * *", new ReportArgs("m"), cancellationToken: ct);
        await clock.AdvanceWhenScheduledAsync(clock.GetUtcNow().AddMinutes(1), 1, ct);
        await WaitForSchedulersAsync(clock, new DateTimeOffset(2026, 1, 1, 0, 2, 0, TimeSpan.Zero), 1, ct);
        Assert.That(await recurring.PauseAsync("minutely", ct), Is.True);
        var first = (await monitor.QueryAsync(new JobQuery(), ct)).Single(r => r.UniqueKey == "recurring:minutely:2026-01-01T00:01:00Z");
        Assert.That((await monitor.ListRecurringJobsAsync(ct)).Single(), Is.EqualTo(new RecurringJobInfo("minutely", "report", "* * * * *", "UTC", Queue: null, MisfirePolicy.Skip, IsPaused: true, NextRun: null, LastRun: new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero), LastRunJobId: first.Id, CanRun: true)));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.That(await recurring.UnpauseAsync("minutely", ct), Is.True);
        await clock.AdvanceWhenScheduledAsync(new DateTimeOffset(2026, 1, 1, 0, 7, 0, TimeSpan.Zero), 1, ct);
        await WaitForSchedulersAsync(clock, new DateTimeOffset(2026, 1, 1, 0, 8, 0, TimeSpan.Zero), 1, ct);

        var triggered = await recurring.TriggerAsync("minutely", ct);
        Assert.That(await recurring.RemoveAsync("minutely", ct), Is.True);
        Assert.That(await recurring.RemoveAsync("minutely", ct), Is.False);
        Assert.That(await monitor.ListRecurringJobsAsync(ct), Is.Empty);
        Assert.That(async () => await recurring.TriggerAsync("minutely", ct), Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("'minutely'"));

        var records = await monitor.QueryAsync(new JobQuery { Name = "report" }, ct);
        Assert.That(records.Select(r => r.UniqueKey), Is.EquivalentTo(new[] { "recurring:minutely:2026-01-01T00:01:00Z", "recurring:minutely:2026-01-01T00:07:00Z", null }), "Paused from 00:02 to 00:06, then triggered once by hand.");
        Assert.That(records.Single(r => r.UniqueKey is null).Id, Is.EqualTo(triggered));
        await host.StopAsync(CancellationToken.None);
    }

    [Test]
    public void AddRecurringJob_BadNameCronOrDuplicate_ThrowsNamingTheProblem()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        Assert.That(() => jobs.AddRecurringJob<ReportJob, ReportArgs>("nightly report", "0 3 * * *", new ReportArgs("x")), Throws.ArgumentException.With.Message.Contains("'nightly report'").And.Property("ParamName").EqualTo("name"));
        Assert.That(() => jobs.AddRecurringJob<ReportJob, ReportArgs>("nightly", "0 25 * * *", new ReportArgs("x")), Throws.ArgumentException.With.Message.Contains("'0 25 * * *'").And.Message.Contains("five fields").And.Property("ParamName").EqualTo("cron"));
        Assert.That(() => jobs.AddRecurringJob<ReportJob, ReportArgs>("nightly", "0 3 * *", new ReportArgs("x")), Throws.ArgumentException.With.Property("ParamName").EqualTo("cron"));
        jobs.AddRecurringJob<ReportJob, ReportArgs>("nightly", "0 0 3 * * *", new ReportArgs("x"));
        Assert.That(() => jobs.AddRecurringJob<ReportJob, ReportArgs>("nightly", "0 3 * * *", new ReportArgs("y")), Throws.ArgumentException.With.Message.Contains("'nightly' is added already"));
    }

    [Test]
    public async Task StartAsync_JobNotRegisteredWithAddJob_ThrowsNamingTheScheduleAndAddJob(CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs().AddRecurringJob<ReportJob, ReportArgs>("nightly", "0 3 * * *", new ReportArgs("x"));
        using var host = builder.Build();

        Assert.That(async () => await host.StartAsync(ct), Throws.InvalidOperationException.With.Message.Contains("'nightly'").And.Message.Contains("AddJob<ReportJob, TArgs>"));
        var recurring = host.Services.GetRequiredService<IRecurringJobs>();
        Assert.That(async () => await recurring.AddOrUpdateAsync<ReportJob, ReportArgs>("hourly", "0 * * * *", new ReportArgs("y"), cancellationToken: ct), Throws.InvalidOperationException.With.Message.Contains("'hourly'"));
    }

    [Test]
    public async Task StartAsync_DurableStoreWithoutRecurringJobs_WarnsThatThisHostKeepsThemInMemory(CancellationToken ct)
    {
        using var database = new TemporaryFile("wrapped.db");
        Sqlite.SqliteJobStore Sqlite() => new(new Sqlite.SqliteJobStoreOptions { ConnectionString = $"Data Source={database.Path}" });
        var warnings = new List<string>();
        foreach (var store in new IJobStore[] { new RecordingDurableJobStore(Sqlite()), Sqlite(), new RecordingJobStore() })
        {
            // The host disposes the store it was given.
            var logs = new FakeLogCollector();
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders().AddProvider(new FakeLoggerProvider(logs));
            builder.Services.AddBackgroundJobs().AddJob<ReportJob, ReportArgs>("report").AddRecurringJobs().UseStore(_ => store);
            using var host = builder.Build();
            await host.StartAsync(ct);
            await host.StopAsync(ct);
            warnings.Add(string.Join(" | ", logs.GetSnapshot().Where(r => r.Id.Id == 9 && r.Level == LogLevel.Warning).Select(r => r.Message)));
        }

        Assert.That(warnings[0], Does.Contain(typeof(RecordingDurableJobStore).FullName).And.Contain("IRecurringJobStore"), "A durable wrapper that does not keep recurring jobs is named.");
        Assert.That(warnings.Skip(1), Is.All.Empty, "The SQLite store keeps recurring jobs, and a store that is not durable loses them at a restart anyway.");
    }

    /// <summary>One occurrence a day at <paramref name="local"/> time, except on <paramref name="changeDay"/>, when it comes at <paramref name="onChangeDay"/>.</summary>
    private static IEnumerable<DateTimeOffset> Daily(TimeZoneInfo zone, DateOnly from, DateOnly to, TimeOnly local, DateOnly changeDay, DateTimeOffset onChangeDay)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            if (day == changeDay)
            {
                yield return onChangeDay;
                continue;
            }

            var time = day.ToDateTime(local);
            yield return new DateTimeOffset(time, zone.GetUtcOffset(time)).ToUniversalTime();
        }
    }

    private static async Task RunSchedulesAsync(SchedulerClock clock, List<(string Schedule, DateTimeOffset Due)> expected, Action<BackgroundJobsBuilder> schedules, CancellationToken ct)
    {
        var runs = new ReportRuns();
        using var host = BuildHost(clock, "host-a", database: null, runs, schedules);
        await host.StartAsync(ct);
        var sorted = expected.OrderBy(e => e.Due).ToList();
        foreach (var (_, due) in sorted)
        {
            await clock.AdvanceWhenScheduledAsync(due, schedulers: 1, ct);
        }

        await clock.WaitForTimerAfterAsync(sorted[^1].Due, ct);
        var monitor = host.Services.GetRequiredService<IJobMonitor>();
        var records = await monitor.QueryAsync(new JobQuery { Name = "report", Take = 1000 }, ct);
        Assert.That(records.Select(r => r.UniqueKey), Is.EquivalentTo(sorted.Select(e => $"recurring:{e.Schedule}:{e.Due.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}")));
        await host.StopAsync(CancellationToken.None);
    }

    /// <summary>Waits until the schedulers set their timer for <paramref name="next"/>: they dealt with everything before it.</summary>
    private static Task WaitForSchedulersAsync(SchedulerClock clock, DateTimeOffset next, int schedulers, CancellationToken ct)
        => clock.WaitForScheduledAsync(next, schedulers, ct);

    private static IHost BuildHost(SchedulerClock clock, string name, string? database, ReportRuns runs, Action<BackgroundJobsBuilder> recurring)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock).AddSingleton(runs);
        var jobs = builder.Services.AddBackgroundJobs(o => o.HostName = name).AddJob<ReportJob, ReportArgs>("report");
        if (database is not null)
        {
            jobs.UseSqlite(database);
        }
        else
        {
            // The fake clock moves by weeks: keep every finished job for the checks at the end.
            jobs.ConfigureInMemoryStore(o => o.RetentionPeriod = TimeSpan.FromDays(365));
        }

        recurring(jobs);
        return builder.Build();
    }
}
