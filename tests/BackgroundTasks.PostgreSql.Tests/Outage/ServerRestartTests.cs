using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using BackgroundTasks.PostgreSql.Tests.Engine;
using static BackgroundTasks.PostgreSql.Tests.Engine.PgHost;

namespace BackgroundTasks.PostgreSql.Tests.Outage;

/// <summary>
/// The PostgreSQL server itself stops (<c>pg_ctl stop -m fast</c>) in the middle of a steady flow of typed jobs and starts
/// again on the same data a while later: the host says so in its log, enqueues wait for the server (up to the lease
/// duration, then fail with the driver's exception), and once it is back the host claims again by itself and every job
/// whose enqueue returned succeeds.
/// </summary>
[CancelAfter(180_000)]
public sealed class ServerRestartTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    [Test]
    public async Task ServerStoppedAndStartedAgain_EnqueueWaitsForIt_ClaimingResumes_AndEveryCommittedJobSucceeds(CancellationToken ct)
    {
        await using var cluster = await ThrowAwayCluster.StartAsync(ct);
        await using var schema = new TestSchema(cluster.ConnectionString);
        var gates = new Gates();

        // A lease longer than the outage: writes wait for the server that long.
        await using var host = await PgHost.StartAsync(schema, "host-b", gates, store: o => o.LeaseDuration = TimeSpan.FromSeconds(30), ct: ct);
        await host.Store.Notifier.Listening.WaitAsync(ct);

        using var flow = new JobFlow(host);
        var producing = flow.RunAsync(ct);
        await Poll.UntilAsync(() => Task.FromResult(gates.Runs.Count >= 50), s_limit, "The first 50 jobs never ran", ct);

        // Down for a while: the host logs that it cannot claim, at each poll (every second), and the enqueue under way waits.
        var down = Stopwatch.StartNew();
        await cluster.StopAsync(ct);
        await Poll.UntilAsync(() => Task.FromResult(ClaimErrors(host).Any()), s_limit, "No claim error was logged while the server was down", ct);
        var returnedWhileDown = flow.Returned.Count;
        await Poll.UntilAsync(() => Task.FromResult(ClaimErrors(host).Count() >= 3), s_limit, "Claim errors were not logged at each poll while the server was down", ct);
        Assert.That(flow.Returned, Has.Count.EqualTo(returnedWhileDown), "An enqueue returned while the server was down.");
        AssertOnlyAnInFlightCommitFailed(flow);

        // Up again: enqueues return again and the host claims by itself.
        await cluster.RestartAsync(ct);
        var downFor = down.Elapsed;
        var returnedAtRestart = flow.Returned.Count;
        await Poll.UntilAsync(() => Task.FromResult(flow.Returned.Count >= returnedAtRestart + 50), s_limit, "Enqueues did not return again after the server came back", ct);
        await flow.StopAsync();
        await producing;

        foreach (var id in flow.Returned)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(s_limit);
            var record = await host.Monitor.WaitAsync(id, wait.Token);
            Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded), $"Job {id}, whose enqueue returned before, during or after the outage, ended {record.Status}: {record.Error?.Message}");
        }

        await Poll.UntilAsync(() => Task.FromResult(host.Logs.GetSnapshot().Any(r => r.Message.StartsWith("Listening again", StringComparison.Ordinal))), s_limit, "The LISTEN connection never came back", ct);
        TestContext.Out.WriteLine($"server down for {downFor.TotalSeconds:0.0} s; {flow.Returned.Count} enqueues returned, {flow.Failures.Count} failed");

        foreach (var record in host.Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).DistinctBy(r => r.Message).Take(10))
        {
            TestContext.Out.WriteLine($"{record.Level}: {record.Message} ({record.Exception?.GetType().Name}: {record.Exception?.Message})");
        }

        AssertOnlyAnInFlightCommitFailed(flow);
        Assert.That(ClaimErrors(host).First().Exception, Is.InstanceOf<NpgsqlException>(), "The claim error carries the driver's exception.");
        Assert.That(gates.Runs.Keys, Is.SupersetOf(flow.ReturnedNames), "Every job whose enqueue returned ran.");
    }

    /// <summary>
    /// An enqueue waits for a server that is away, except one whose commit was on its way when the server stopped: the
    /// server ends that session (57P01), and whether the commit happened is unknown, so the store cannot retry it and the
    /// enqueue fails with the server's error. The flow enqueues one job at a time, so at most one is caught so.
    /// </summary>
    private static void AssertOnlyAnInFlightCommitFailed(JobFlow flow)
    {
        Assert.That(flow.Failures, Has.Count.LessThanOrEqualTo(1), $"Enqueues failed rather than waiting for the server: {string.Join("; ", flow.Failures.Select(f => f.Message))}");
        Assert.That(flow.Failures, Is.All.Matches<Exception>(f => f is PostgresException { SqlState: "57P01" }), "Only an enqueue whose commit was in flight when the server stopped may fail.");
    }

    [Test]
    public async Task ServerAwayLongerThanTheLease_AddFailsWithTheDriversException_AndWorksOnceItIsBack(CancellationToken ct)
    {
        await using var cluster = await ThrowAwayCluster.StartAsync(ct);
        await using var schema = new TestSchema(cluster.ConnectionString);
        await using var store = schema.Open(o => o.LeaseDuration = TimeSpan.FromSeconds(1));
        await store.AddAsync(TestJobs.Typed(), ct);

        await cluster.StopAsync(ct);
        var waited = Stopwatch.StartNew();
        var failure = Assert.ThrowsAsync<NpgsqlException>(async () => await store.AddAsync(TestJobs.Typed(), ct));
        waited.Stop();
        await cluster.RestartAsync(ct);
        var after = TestJobs.Typed();
        await store.AddAsync(after, ct);

        TestContext.Out.WriteLine($"failed after {waited.Elapsed.TotalSeconds:0.00} s: {failure!.Message}");
        Assert.That(failure.Message, Does.Contain("127.0.0.1"), "The exception names the server.");
        Assert.That(waited.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)), "The add did not wait for the server as long as the lease.");
        Assert.That((await store.GetAsync(after.Id, ct))?.Status, Is.EqualTo(JobStatus.Queued));
    }

    private static IEnumerable<FakeLogRecord> ClaimErrors(PgHost host)
        => host.Logs.GetSnapshot().Where(r => r.Level == LogLevel.Error && r.Message.StartsWith("Claiming jobs of queue default", StringComparison.Ordinal));

    /// <summary>A producer that enqueues a typed job every 10 ms, one at a time, and keeps what each enqueue did.</summary>
    private sealed class JobFlow(PgHost host) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private int _next;

        public ConcurrentQueue<JobId> Returned { get; } = new();

        public ConcurrentQueue<string> ReturnedNames { get; } = new();

        public ConcurrentQueue<Exception> Failures { get; } = new();

        public async Task RunAsync(CancellationToken ct)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            try
            {
                while (await pace.WaitForNextTickAsync(both.Token))
                {
                    try
                    {
                        var name = $"job-{_next++}";
                        Returned.Enqueue(await host.Queue.EnqueueAsync<GateJob, GateArgs>(new GateArgs(name), cancellationToken: both.Token));
                        ReturnedNames.Enqueue(name);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        Failures.Enqueue(exception);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        }

        public Task StopAsync() => _stop.CancelAsync();

        public void Dispose() => _stop.Dispose();
    }
}
