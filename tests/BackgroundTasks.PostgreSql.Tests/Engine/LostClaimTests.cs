using System.Text.Json;
using static BackgroundTasks.PostgreSql.Tests.Engine.PgHost;

namespace BackgroundTasks.PostgreSql.Tests.Engine;

[CancelAfter(30_000)]
public sealed class LostClaimTests
{
    [Test]
    public async Task ClaimWhoseAnswerWasLost_IsGivenBackByTheHeartbeat_AndRunsAsTheNextAttempt(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var gates = new Gates();
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, o => o.PollInterval = TimeSpan.FromHours(1), o => o.LeaseDuration = TimeSpan.FromSeconds(1.5), ct: ct);
        var owner = await OwnerOfAsync(host, ct);
        await using var producer = schema.Open();
        var job = new JobRecord
        {
            Id = JobId.NewId(),
            Name = "gate",
            Queue = "default",
            Status = JobStatus.Scheduled,
            ScheduledAt = TestJobs.Start.AddYears(100),
            MaxAttempts = 3,
            EnqueuedAt = TestJobs.Start,
            Arguments = JsonSerializer.Serialize(new GateArgs("orphan")),
        };
        await producer.AddAsync(job, ct);

        // The store committed a claim for the host, but the host never heard of it (its connection dropped before the answer).
        await schema.ScalarAsync($"UPDATE {{0}}.jobs SET status = 2, attempt = 1, scheduled_at = NULL, owner = '{owner}', lease_until = {long.MaxValue} WHERE id = '{job.Id}'", ct);
        await gates.For(gates.Started, "orphan").Task.WaitAsync(ct);
        var record = await host.Monitor.WaitAsync(job.Id, ct);

        Assert.That((record.Status, record.Attempt), Is.EqualTo((JobStatus.Succeeded, 2)));
        Assert.That(record.Error!.Message, Does.Contain("the answer to its claim, or the write of the attempt's outcome, was lost"));
        Assert.That(gates.Runs["orphan"], Is.EqualTo(1));
    }

    // The first heartbeat (a third of the lease after the start) records the host's owner name.
    private static async Task<string> OwnerOfAsync(PgHost host, CancellationToken ct)
        => (await Poll.UntilAsync(async () => (await host.Store.ListHostsAsync(ct)).SingleOrDefault(), TimeSpan.FromSeconds(10), "The host never recorded its heartbeat", ct)).Owner;
}
