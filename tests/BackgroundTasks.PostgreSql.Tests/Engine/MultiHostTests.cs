using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static BackgroundTasks.PostgreSql.Tests.Engine.PgHost;

namespace BackgroundTasks.PostgreSql.Tests.Engine;

/// <summary>Several hosts (engines with different host names) in one process on one schema: waking, sharing, cancelling and watching across hosts.</summary>
[CancelAfter(60_000)]
public sealed class MultiHostTests
{
    // A poll so slow that only a notification can wake a host within a test.
    private static readonly TimeSpan s_noPoll = TimeSpan.FromHours(1);

    [Test]
    public async Task JobAddedByAnotherHost_WakesAListeningHostAtOnce_ThoughItsPollIsAnHour(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = s_noPoll, build: b => b.AddQueue("other"), ct: ct);
        await host.Store.Notifier.Listening.WaitAsync(ct);
        await using var producer = schema.Open();

        await producer.AddAsync(GateRecord("first", "default"), ct);
        await gates.For(gates.Started, "first").Task.WaitAsync(ct);
        await producer.AddAsync(GateRecord("second", "other"), ct);
        await gates.For(gates.Started, "second").Task.WaitAsync(ct);

        Assert.That(host.Store.Notifier.Received, Is.GreaterThan(0));
        Assert.That(await ListenersAsync(schema, "host-b", ct), Is.EqualTo(1L), "One LISTEN connection per host.");
    }

    [Test]
    public async Task PollOnly_NoListenConnection_JobsOfOtherHostsRunAtTheNextPoll(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = TimeSpan.FromMilliseconds(100), o => o.PollOnly = true, ct: ct);
        await using var producer = schema.Open();

        await producer.AddAsync(GateRecord("polled", "default"), ct);
        await gates.For(gates.Started, "polled").Task.WaitAsync(ct);

        Assert.That(await ListenersAsync(schema, "host-b", ct), Is.Zero);
        Assert.That(host.Store.Notifier.Listening.IsCompleted, Is.False);
    }

    [Test]
    public async Task TwoHosts_ShareTheQueue_EveryJobRunsOnce(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var first = await PgHost.StartAsync(schema, "host-a", gates, ct: ct);
        await using var second = await PgHost.StartAsync(schema, "host-b", gates, ct: ct);
        var ids = new List<JobId>();
        for (var i = 0; i < 300; i++)
        {
            var host = i % 2 == 0 ? first : second;
            ids.Add(await host.Queue.EnqueueAsync<GateJob, GateArgs>(new GateArgs($"job-{i}"), cancellationToken: ct));
        }

        foreach (var id in ids)
        {
            Assert.That((await first.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        }

        Assert.That(gates.Runs, Has.Count.EqualTo(300));
        Assert.That(gates.Runs.Values, Is.All.EqualTo(1), "A job ran twice.");
        Assert.That(gates.RanOn.Values.Distinct(), Is.EquivalentTo(new[] { "host-a", "host-b" }), "Both hosts took jobs from the shared queue.");
    }

    [Test]
    public async Task CancelOnHostA_JobRunningOnHostB_ItsTokenFiresAtOnceWithReasonRequested(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();

        // Leases of a minute: the heartbeat (every 20 s) cannot be what stops the job.
        await using var a = await PgHost.StartAsync(schema, "host-a", gates, o => o.PollInterval = s_noPoll, o => o.LeaseDuration = TimeSpan.FromMinutes(1), ct: ct);
        await using var b = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = s_noPoll, o => o.LeaseDuration = TimeSpan.FromMinutes(1), b => b.AddQueue("work"), ct);
        await b.Store.Notifier.Listening.WaitAsync(ct);
        var id = await b.Queue.EnqueueAsync<GateJob, GateArgs>(new GateArgs("long", Wait: true), new JobOptions { Queue = "work" }, ct);
        await gates.For(gates.Started, "long").Task.WaitAsync(ct);

        Assert.That(await a.Monitor.CancelAsync(id, ct), Is.True);
        await gates.For(gates.TokenFired, "long").Task.WaitAsync(TimeSpan.FromSeconds(5), ct);
        var record = await a.Monitor.WaitAsync(id, ct).WaitAsync(TimeSpan.FromSeconds(5), ct);

        Assert.That((record.Status, record.CancelReason), Is.EqualTo((JobStatus.Cancelled, JobCancelReason.Requested)));
        Assert.That(gates.RanOn["long"], Is.EqualTo("host-b"));
    }

    [Test]
    public async Task WatchOnHostA_JobRunningOnHostB_FollowsItsProgressAndEndByNotifications(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var a = await PgHost.StartAsync(schema, "host-a", gates, o => o.PollInterval = s_noPoll, ct: ct);
        await using var b = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = s_noPoll, build: b => b.AddQueue("work"), ct: ct);
        await a.Store.Notifier.Listening.WaitAsync(ct);
        await b.Store.Notifier.Listening.WaitAsync(ct);
        var id = await b.Queue.EnqueueAsync<GateJob, GateArgs>(new GateArgs("watched", Wait: true, Percent: 50), new JobOptions { Queue = "work" }, ct);

        var seen = new List<JobRecord>();
        await foreach (var record in a.Monitor.WatchAsync(id, ct))
        {
            seen.Add(record);
            if (record.Progress.Percent == 50)
            {
                gates.For(gates.Open, "watched").TrySetResult();
            }
        }

        Assert.That(seen.Select(r => r.Progress.Percent), Does.Contain(50d), "The progress written on host B reached host A's watcher.");
        Assert.That(seen[^1].Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(gates.RanOn["watched"], Is.EqualTo("host-b"));
    }

    [Test]
    public async Task DatabaseGoneForAMoment_ClaimingPausesWithALoggedErrorAndResumes_AndNoCommittedJobIsLost(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = TimeSpan.FromMilliseconds(50), ct: ct);
        await host.Store.Notifier.Listening.WaitAsync(ct);
        var before = new List<JobId>();
        for (var i = 0; i < 4; i++)
        {
            before.Add(await host.Queue.EnqueueAsync<GateJob, GateArgs>(new GateArgs($"running-{i}", Wait: true), cancellationToken: ct));
        }

        for (var i = 0; i < 4; i++)
        {
            before.Add(await host.Queue.EnqueueAsync<GateJob, GateArgs>(new GateArgs($"queued-{i}"), cancellationToken: ct));
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => gates.For(gates.Started, $"running-{i}").Task)).WaitAsync(ct);

        // The server drops every connection of the host, again and again, while its running jobs end: as if it restarted.
        var killed = 0L;
        using var cadence = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        for (var round = 0; round < 20; round++)
        {
            killed += (long)(await schema.ScalarAsync($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{ApplicationName(schema, "host-b")}'", ct))!;
            if (round == 5)
            {
                for (var i = 0; i < 4; i++)
                {
                    gates.For(gates.Open, $"running-{i}").TrySetResult();
                }
            }

            // Twenty rounds of drops, 50 ms apart: the outage lasts about a second, whatever the host does meanwhile.
            await cadence.WaitForNextTickAsync(ct);
        }

        var after = await host.Queue.EnqueueAsync<GateJob, GateArgs>(new GateArgs("after"), cancellationToken: ct);
        foreach (var id in before.Append(after))
        {
            Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        }

        await Poll.UntilAsync(() => Task.FromResult(host.Logs.GetSnapshot().Any(r => r.Message.StartsWith("Listening again", StringComparison.Ordinal))), TimeSpan.FromSeconds(10), "The listener never came back", ct);
        var logged = host.Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        foreach (var record in logged.DistinctBy(r => r.Message))
        {
            TestContext.Out.WriteLine($"{record.Level}: {record.Message} ({record.Exception?.GetType().Name}: {record.Exception?.Message})");
        }

        TestContext.Out.WriteLine($"terminated {killed} backends of host-b");
        Assert.That(logged, Has.Some.Matches<FakeLogRecord>(r => r.Level == LogLevel.Error && r.Message.StartsWith("Claiming jobs of queue default", StringComparison.Ordinal)), "A claim that fails is logged as an error.");
        Assert.That(logged.Select(w => w.Message), Has.Some.Contains("was lost"), "Losing the LISTEN connection is logged.");
        Assert.That(gates.Runs.Values, Is.All.EqualTo(1), "No job ran twice.");
    }

    private static JobRecord GateRecord(string key, string queue) => new()
    {
        Id = JobId.NewId(),
        Name = "gate",
        Queue = queue,
        Status = JobStatus.Queued,
        EnqueuedAt = TestJobs.Start,
        Arguments = JsonSerializer.Serialize(new GateArgs(key)),
    };

    private static async Task<long> ListenersAsync(TestSchema schema, string host, CancellationToken ct)
        => (long)(await schema.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{ApplicationName(schema, host)}' AND query LIKE 'LISTEN%'", ct))!;
}
