using System.Diagnostics;
using System.Text.Json;
using static BackgroundTasks.PostgreSql.Tests.Engine.PgHost;

namespace BackgroundTasks.PostgreSql.Tests.Engine;

/// <summary>
/// What an idle host costs and what it still does on time: its claim poll backs off while it listens, it claims a
/// delayed job or a retry when due because its claims (and other hosts' notifications) tell it the due time, and its
/// heartbeat recovers a dead host's jobs as fast as before although it skips the recovery query while no lease can have expired.
/// </summary>
[CancelAfter(60_000)]
public sealed class IdleHostTests
{
    // A poll so slow that only a due time or a notification can wake a host within a test.
    private static readonly TimeSpan s_noPoll = TimeSpan.FromHours(1);

    [Test]
    public async Task DelayedJobInTheStoreAtStart_RunsWhenDue_ThoughThePollIsAnHourAndNoHostNotifies(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using (var producer = schema.Open(o => o.PollOnly = true))
        {
            await producer.AddAsync(Gate("delayed", DateTimeOffset.UtcNow.AddSeconds(2)), ct);
        }

        var clock = Stopwatch.StartNew();
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = s_noPoll, ct: ct);

        // The start's claim found nothing due, but learnt when the delayed job falls due.
        Assert.That(gates.For(gates.Started, "delayed").Task.IsCompleted, Is.False);
        await gates.For(gates.Started, "delayed").Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        TestContext.Out.WriteLine($"ran {clock.Elapsed.TotalSeconds:0.00} s after the host started");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(6)), "The delayed job ran long after it fell due.");
    }

    [Test]
    public async Task DelayedJobAddedByAnotherHostWhileIdle_RunsWhenDue_ThoughThePollIsAnHour(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = s_noPoll, ct: ct);
        await host.Store.Notifier.Listening.WaitAsync(ct);
        await using var producer = schema.Open();

        var due = DateTimeOffset.UtcNow.AddSeconds(1.5);
        await producer.AddAsync(Gate("delayed", due), ct);
        await gates.For(gates.Started, "delayed").Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        var late = DateTimeOffset.UtcNow - due;
        TestContext.Out.WriteLine($"ran {late.TotalSeconds:0.00} s after its due time");
        Assert.That(late, Is.GreaterThanOrEqualTo(TimeSpan.Zero).And.LessThan(TimeSpan.FromSeconds(4)));
    }

    [Test]
    public async Task RetryReleasedByAnotherHost_RunsHereWhenDue_ThoughThePollIsAnHour(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = s_noPoll, build: b => b.AddQueue("work"), ct: ct);
        await host.Store.Notifier.Listening.WaitAsync(ct);
        await using var other = schema.Open();
        var durable = (IDurableJobStore)other;
        var job = Gate("retried", dueAt: null, queue: "host-a-only");
        await other.AddAsync(job, ct);
        Assert.That(await durable.ClaimAsync("host-a-only", "host-a/1", 1, DateTimeOffset.UtcNow, ct), Has.Count.EqualTo(1));
        await schema.ScalarAsync($"UPDATE {{0}}.jobs SET queue = 'work' WHERE id = '{job.Id}'", ct);

        // The other host's attempt failed: the job waits for its retry, released to every host.
        var due = DateTimeOffset.UtcNow.AddSeconds(1.5);
        var failed = new JobTransition(JobStatus.Retrying, 1, DateTimeOffset.UtcNow, due, new JobError("System.InvalidOperationException", "first attempt failed", null));
        Assert.That((await durable.TransitionAsync(job.Id, failed, "host-a/1", ct)).IsRecorded, Is.True);
        await gates.For(gates.Started, "retried").Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        var late = DateTimeOffset.UtcNow - due;
        TestContext.Out.WriteLine($"ran {late.TotalSeconds:0.00} s after its retry was due");
        Assert.That(late, Is.GreaterThanOrEqualTo(TimeSpan.Zero).And.LessThan(TimeSpan.FromSeconds(4)));
        Assert.That((await host.Monitor.WaitAsync(job.Id, ct)).Attempt, Is.EqualTo(2));
    }

    [Test]
    public async Task DeadHostsJob_IsRecoveredWithinTheLeaseAndTwoHeartbeats_ThoughIdleHeartbeatsSkipTheRecoveryQuery(CancellationToken ct)
    {
        var lease = TimeSpan.FromSeconds(1.5);
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = s_noPoll, o => o.LeaseDuration = lease, ct: ct);
        await Poll.UntilAsync(() => Task.FromResult(host.Store.NoLeaseExpiredBy(DateTimeOffset.UtcNow)), TimeSpan.FromSeconds(10), "The idle host's heartbeat never read the leases", ct);
        await using var dead = schema.Open(o => { o.LeaseDuration = lease; o.PollOnly = true; });
        var job = Gate("orphan", dueAt: null, queue: "dead-only");
        await dead.AddAsync(job, ct);
        var claimedAt = DateTimeOffset.UtcNow;
        Assert.That(await ((IDurableJobStore)dead).ClaimAsync("dead-only", "host-a/1", 1, claimedAt, ct), Has.Count.EqualTo(1));

        // Host A never renews: its lease ends at claimedAt + lease, and host B's heartbeat (every lease / 3) recovers the job into B's queue.
        await schema.ScalarAsync($"UPDATE {{0}}.jobs SET queue = 'default' WHERE id = '{job.Id}'", ct);
        await gates.For(gates.Started, "orphan").Task.WaitAsync(TimeSpan.FromSeconds(10), ct);

        var after = DateTimeOffset.UtcNow - claimedAt;
        TestContext.Out.WriteLine($"ran again {after.TotalSeconds:0.00} s after the dead host's claim (lease {lease.TotalSeconds} s)");
        Assert.That(after, Is.GreaterThanOrEqualTo(lease).And.LessThan(lease + (lease / 3 * 2) + TimeSpan.FromSeconds(1.5)));
        Assert.That((await host.Monitor.WaitAsync(job.Id, ct)).Attempt, Is.EqualTo(2));
    }

    [Test]
    public async Task IdleListeningHost_ClaimPollBacksOff_WhilePollOnlyHostPollsAtItsInterval(CancellationToken ct)
    {
        var poll = TimeSpan.FromMilliseconds(100);
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var listening = await PgHost.StartAsync(schema, "host-l", gates, o => o.PollInterval = poll, ct: ct);
        await using var polling = await PgHost.StartAsync(schema, "host-p", gates, o => o.PollInterval = poll, o => o.PollOnly = true, ct: ct);
        await listening.Store.Notifier.Listening.WaitAsync(ct);

        var window = Stopwatch.StartNew();
        var (listenedFrom, polledFrom) = (listening.Store.ClaimCount, polling.Store.ClaimCount);

        // The window is the poll-only host's own 20 polls (about 2 s at 100 ms), counted at each tick of a bounded poll.
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (polling.Store.ClaimCount - polledFrom < 20)
        {
            await tick.WaitForNextTickAsync(ct);
        }

        var (listened, polled) = (listening.Store.ClaimCount - listenedFrom, polling.Store.ClaimCount - polledFrom);

        // Backing off from 100 ms (doubling up to 30 s), a listening host claims about four times in those 2 s.
        TestContext.Out.WriteLine($"claims in {window.Elapsed.TotalSeconds:0.0} s: listening {listened}, poll-only {polled}");
        Assert.That(listened, Is.LessThanOrEqualTo(8), "The listening host's poll did not back off.");
        Assert.That(polled, Is.GreaterThanOrEqualTo(20), "The poll-only host did not poll at its interval.");
    }

    private static JobRecord Gate(string key, DateTimeOffset? dueAt, string queue = "default") => new()
    {
        Id = JobId.NewId(),
        Name = "gate",
        Queue = queue,
        Status = dueAt is null ? JobStatus.Queued : JobStatus.Scheduled,
        ScheduledAt = dueAt,
        MaxAttempts = 3,
        EnqueuedAt = DateTimeOffset.UtcNow,
        Arguments = JsonSerializer.Serialize(new GateArgs(key)),
    };
}
