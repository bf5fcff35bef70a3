using BackgroundTasks.Recurring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BackgroundTasks.Tests.Recurring;

/// <summary>
/// Recurring jobs kept by a shared store (issue 17): a change made at run time on one host holds on the other hosts and
/// after a restart; a host that does not register a recurring job's job lists it but never runs it.
/// </summary>
[CancelAfter(60_000)]
public sealed class SharedRecurringJobTests
{
    /// <summary>The most checks a host may need to learn of a change: PostgreSQL reads the version row every 30 s even when a notification was lost.</summary>
    private const int MaxChecks = 35;

    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_one = s_start.AddHours(1);

    [TestCase(StoreKind.Sqlite)]
    [TestCase(StoreKind.PostgreSql)]
    public async Task RecurringJob_AddedPausedUnpausedAndRemovedOnHostA_TakesEffectOnHostBAndOutlivesARestart(StoreKind kind, CancellationToken ct)
    {
        using var store = new SharedStore(kind);
        var clock = new SchedulerClock(s_start);
        var runs = new ReportRuns();
        using var a = store.BuildHost(clock, "host-a", runs);
        using var b = store.BuildHost(clock, "host-b", runs);
        await a.StartAsync(ct);
        await b.StartAsync(ct);
        await WaitStartedAsync(b, ct);
        var onA = a.Services.GetRequiredService<IRecurringJobs>();

        await onA.AddOrUpdateAsync<ReportJob, ReportArgs>("hourly", "0 * * * *", new ReportArgs("shared"), cancellationToken: ct);
        await LearnAsync(b, clock, s => s.WaitingUntil == s_one, "the recurring job added on host A (its timer set for 01:00)", ct);

        Assert.That(await onA.PauseAsync("hourly", ct), Is.True);
        await LearnAsync(b, clock, s => s.WaitingUntil > s_one, "the pause made on host A (no timer for 01:00)", ct);
        var listedOnB = (await b.Services.GetRequiredService<IJobMonitor>().ListRecurringJobsAsync(ct)).Single();
        Assert.That((listedOnB.Name, listedOnB.JobName, listedOnB.IsPaused, listedOnB.NextRun, listedOnB.CanRun), Is.EqualTo(("hourly", "report", true, (DateTimeOffset?)null, true)));

        Assert.That(await onA.UnpauseAsync("hourly", ct), Is.True);
        await LearnAsync(b, clock, s => s.WaitingUntil == s_one, "the unpause made on host A (its timer set for 01:00 again)", ct);

        // Host A stops: host B alone enqueues the occurrence of 01:00, from what it learned.
        await a.StopAsync(CancellationToken.None);
        clock.SetUtcNow(s_one);
        await clock.WaitForScheduledAsync(s_one.AddHours(1), schedulers: 1, ct);
        var monitor = b.Services.GetRequiredService<IJobMonitor>();
        var occurrence = (await monitor.QueryAsync(new JobQuery { Name = "report" }, ct)).Single();
        Assert.That(occurrence.UniqueKey, Is.EqualTo("recurring:hourly:2026-01-01T01:00:00Z"));

        // Host A again, with no recurring job in its code: the one added at run time is still there, with its last run.
        using var restarted = store.BuildHost(clock, "host-a", runs);
        await restarted.StartAsync(ct);
        var listed = (await restarted.Services.GetRequiredService<IJobMonitor>().ListRecurringJobsAsync(ct)).Single();
        Assert.That((listed.Name, listed.IsPaused, listed.LastRun, listed.LastRunJobId, listed.NextRun), Is.EqualTo(("hourly", false, (DateTimeOffset?)s_one, (JobId?)occurrence.Id, (DateTimeOffset?)s_one.AddHours(1))));

        Assert.That(await restarted.Services.GetRequiredService<IRecurringJobs>().RemoveAsync("hourly", ct), Is.True);
        await LearnAsync(b, clock, s => s.WaitingUntil >= clock.GetUtcNow().AddHours(23), "the removal made on host A (no timer but the daily wake)", ct);
        Assert.That(await monitor.ListRecurringJobsAsync(ct), Is.Empty);
        await restarted.StopAsync(CancellationToken.None);
        await b.StopAsync(CancellationToken.None);
    }

    [TestCase(StoreKind.Sqlite)]
    [TestCase(StoreKind.PostgreSql)]
    public async Task RecurringJob_JobNotRegisteredOnHostB_IsListedThereButNeverRunByIt(StoreKind kind, CancellationToken ct)
    {
        using var store = new SharedStore(kind);
        var clock = new SchedulerClock(s_start);
        var runs = new ReportRuns();
        var logs = new FakeLogCollector();
        using var a = store.BuildHost(clock, "host-a", runs);
        using var b = store.BuildHost(clock, "host-b", runs, registerReport: false, logs: logs);
        await a.StartAsync(ct);
        await b.StartAsync(ct);
        await WaitStartedAsync(b, ct);

        await a.Services.GetRequiredService<IRecurringJobs>().AddOrUpdateAsync<ReportJob, ReportArgs>("hourly", "0 * * * *", new ReportArgs("a only"), cancellationToken: ct);
        await clock.WaitForScheduledAsync(s_one, schedulers: 1, ct);
        await a.StopAsync(CancellationToken.None);

        var monitor = b.Services.GetRequiredService<IJobMonitor>();
        var listed = (await monitor.ListRecurringJobsAsync(ct)).Single();
        Assert.That((listed.Name, listed.JobName, listed.CanRun, listed.NextRun), Is.EqualTo(("hourly", "report", false, (DateTimeOffset?)null)));

        // Past 01:00 and every check of the next two minutes: host B never sets a timer for it, and enqueues nothing.
        clock.SetUtcNow(s_one);
        await LearnAsync(b, clock, _ => false, MaxChecks, ct);
        Assert.That(clock.TimersAt(s_one), Is.EqualTo(1), "Only host A, before it stopped, set a timer for 01:00.");
        Assert.That(await monitor.QueryAsync(new JobQuery(), ct), Is.Empty);
        Assert.That(await monitor.ListRecurringJobsAsync(ct), Has.Count.EqualTo(1));
        var notRun = logs.GetSnapshot().Where(r => r.Id.Id == 6 && r.Message.Contains("'report'", StringComparison.Ordinal)).ToList();
        Assert.That(notRun, Has.Count.EqualTo(1), "Host B says once why it does not run the recurring job.");
        Assert.That(notRun[0].Level, Is.EqualTo(LogLevel.Warning));
        await b.StopAsync(CancellationToken.None);
    }

    [TestCase(StoreKind.Sqlite)]
    [TestCase(StoreKind.PostgreSql)]
    public async Task RecurringJob_AddedAtStartUpOnTwoHosts_EnqueuesEveryOccurrenceOnce(StoreKind kind, CancellationToken ct)
    {
        using var store = new SharedStore(kind);
        var clock = new SchedulerClock(s_start);
        var runs = new ReportRuns();
        void Every10s(BackgroundJobsBuilder jobs) => jobs.AddRecurringJob<ReportJob, ReportArgs>("every-10s", "*/10 * * * * *", new ReportArgs("ticks"));
        using var a = store.BuildHost(clock, "host-a", runs, configure: Every10s);
        using var b = store.BuildHost(clock, "host-b", runs, configure: Every10s);
        await a.StartAsync(ct);
        await b.StartAsync(ct);

        var occurrences = Enumerable.Range(1, 12).Select(i => s_start.AddSeconds(10 * i)).ToList();
        foreach (var due in occurrences)
        {
            await clock.AdvanceWhenScheduledAsync(due, schedulers: 2, ct);
        }

        await clock.WaitForScheduledAsync(occurrences[^1].AddSeconds(10), 2, ct);
        var monitor = a.Services.GetRequiredService<IJobMonitor>();
        var records = await monitor.QueryAsync(new JobQuery { Name = "report", Take = 1000 }, ct);
        Assert.That(records.Select(r => r.UniqueKey), Is.EquivalentTo(occurrences.Select(t => $"recurring:every-10s:{t.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}")));
        await Poll.UntilAsync(() => runs.Runs.Count >= occurrences.Count, $"the {occurrences.Count} occurrences to run", ct);
        Assert.That(runs.Runs.Select(r => r.Id), Is.EquivalentTo(records.Select(r => r.Id)), "Every occurrence ran once, on one of the hosts.");
        var listed = (await monitor.ListRecurringJobsAsync(ct)).Single();
        Assert.That((listed.LastRun, listed.LastRunJobId), Is.EqualTo(((DateTimeOffset?)occurrences[^1], (JobId?)records.Single(r => r.UniqueKey!.EndsWith("00:02:00Z", StringComparison.Ordinal)).Id)));
        await b.StopAsync(CancellationToken.None);
        await a.StopAsync(CancellationToken.None);
    }

    /// <summary>Waits until the host's scheduler has read the store at start-up and waits for its timer, so that what follows reaches it only through its checks.</summary>
    private static Task WaitStartedAsync(IHost host, CancellationToken ct)
    {
        var scheduler = host.Services.GetRequiredService<RecurringScheduler>();
        return Poll.UntilAsync(() => scheduler.WaitingUntil is not null, "the scheduler to start", ct);
    }

    /// <summary>
    /// Moves the clock one second at a time, each time waiting for the host's scheduler to ask the store whether its
    /// recurring jobs changed, until <paramref name="learned"/> holds.
    /// </summary>
    private static async Task LearnAsync(IHost host, SchedulerClock clock, Func<RecurringScheduler, bool> learned, string what, CancellationToken ct)
    {
        if (await LearnAsync(host, clock, learned, MaxChecks, ct) is false)
        {
            Assert.Fail($"Host {host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BackgroundJobsOptions>>().Value.HostName} did not learn of {what} within {MaxChecks} checks.");
        }
    }

    private static async Task<bool> LearnAsync(IHost host, SchedulerClock clock, Func<RecurringScheduler, bool> learned, int checks, CancellationToken ct)
    {
        var scheduler = host.Services.GetRequiredService<RecurringScheduler>();
        for (var check = 0; check < checks; check++)
        {
            // The main loop sets its timer after a change it was told of: give it the time to, between checks.
            await Poll.UntilAsync(() => scheduler.WaitingUntil is not null, "the scheduler to wait for its timer", ct);
            if (learned(scheduler))
            {
                return true;
            }

            var before = scheduler.Checks;
            clock.Advance(TimeSpan.FromSeconds(1));
            await Poll.UntilAsync(() => scheduler.Checks > before, "the scheduler's next check of the store", ct);
        }

        await Poll.UntilAsync(() => scheduler.WaitingUntil is not null, "the scheduler to wait for its timer", ct);
        return learned(scheduler);
    }

    /// <summary>One SQLite file or one PostgreSQL schema that the test's hosts share.</summary>
    private sealed class SharedStore : IDisposable
    {
        private readonly TemporaryFile? _file;
        private readonly TemporaryPostgresSchema? _schema;

        public SharedStore(StoreKind kind)
        {
            _schema = kind == StoreKind.PostgreSql ? new TemporaryPostgresSchema() : null;
            _file = kind == StoreKind.Sqlite ? new TemporaryFile("shared-recurring.db") : null;
        }

        public IHost BuildHost(SchedulerClock clock, string name, ReportRuns runs, bool registerReport = true, FakeLogCollector? logs = null, Action<BackgroundJobsBuilder>? configure = null)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.AddProvider(new FakeLoggerProvider(logs));
            }

            builder.Services.AddSingleton<TimeProvider>(clock).AddSingleton(runs);
            var jobs = builder.Services.AddBackgroundJobs(o => o.HostName = name).AddRecurringJobs();
            if (registerReport)
            {
                jobs.AddJob<ReportJob, ReportArgs>("report");
            }

            if (_file is not null)
            {
                jobs.UseSqlite(_file.Path);
            }
            else
            {
                jobs.UseNpgsql(_schema!.ConnectionString, o => o.Schema = _schema.Name);
            }

            configure?.Invoke(jobs);
            return builder.Build();
        }

        public void Dispose()
        {
            _file?.Dispose();
            _schema?.Dispose();
        }
    }
}
