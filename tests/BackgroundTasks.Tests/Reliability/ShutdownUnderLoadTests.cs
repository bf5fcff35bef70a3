using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests.Reliability;

[Category("Reliability")]
public sealed class ShutdownUnderLoadTests
{
    [TestCase(ShutdownMode.Cancel, false, false)]
    [TestCase(ShutdownMode.Drain, false, false)]
    [TestCase(ShutdownMode.Cancel, true, false)]
    [TestCase(ShutdownMode.Drain, true, false)]
    [TestCase(ShutdownMode.Cancel, false, true)]
    [TestCase(ShutdownMode.Drain, false, true)]
    [CancelAfter(60_000)]
    public async Task StopAsync_ThousandsQueuedHundredsRunningSomeIgnoringTokens_EndsInTimeAndAccountsForEveryJob(ShutdownMode mode, bool sqlite, bool postgres, CancellationToken ct)
    {
        var shutdownTimeout = TimeSpan.FromSeconds(3);
        using var database = sqlite ? new TemporaryFile("shutdown.db") : null;
        using var schema = postgres ? new TemporaryPostgresSchema() : null;
        IDurableJobStore? durable = database is not null ? new Sqlite.SqliteJobStore(new Sqlite.SqliteJobStoreOptions { ConnectionString = $"Data Source={database.Path}" })
            : schema?.Open();
        await using var closing = durable as IAsyncDisposable;
        var store = durable is null ? new RecordingJobStore() : new RecordingDurableJobStore(durable);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
        builder.Services.AddBackgroundJobs(o =>
        {
            o.Queues["default"].Workers = 300;
            o.Queues["default"].Capacity = 10_000;
            o.ShutdownMode = mode;
            o.DrainTimeout = TimeSpan.FromMilliseconds(500);
        }).UseStore(_ => store);
        using var host = builder.Build();
        await host.StartAsync(ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var accepted = new ConcurrentBag<JobId>();
        var allRunning = new CountdownEvent(300);
        var stubborn = new TaskCompletionSource();

        // 300 running: 250 stop when told, 50 ignore their token.
        for (var i = 0; i < 300; i++)
        {
            var ignoresToken = i % 6 == 0;
            accepted.Add(await queue.EnqueueAsync(ctx =>
            {
                allRunning.Signal();
                return ignoresToken ? stubborn.Task : Until.Cancelled(ctx.CancellationToken);
            }, cancellationToken: ct));
        }

        await Task.Run(() => allRunning.Wait(ct), ct);

        // 5,000 queued behind them: short jobs that a drain can finish.
        for (var i = 0; i < 5_000; i++)
        {
            accepted.Add(await queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
        }

        // A producer that keeps enqueueing while the host stops: each call is either accepted or refused clearly.
        var refused = 0;
        using var stopProducing = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            while (!stopProducing.IsCancellationRequested)
            {
                try
                {
                    accepted.Add(await queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct));
                }
                catch (InvalidOperationException ex) when (ex.Message.Contains("shut down", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        }, ct);

        var clock = Stopwatch.StartNew();
        await host.StopAsync(CancellationToken.None);
        clock.Stop();
        await stopProducing.CancelAsync();
        await producer;

        // The 50 stubborn jobs never end before the assertions: a stop that waited for them would never return. The
        // bound is generous on purpose (a loaded 2-core machine can take seconds to record 5,000 jobs); it separates
        // "returns after the shutdown timeout" from "hangs", not fast from slow.
        Assert.That(clock.Elapsed, Is.LessThan(shutdownTimeout + TimeSpan.FromSeconds(20)), "Shutdown ends after the host's shutdown timeout even though 50 jobs ignore their tokens.");
        Assert.That(refused, Is.EqualTo(1), "Enqueue during the stop fails with a clear message.");
        Assert.That(() => queue.TryEnqueue(_ => Task.CompletedTask, out _), Throws.InvalidOperationException.With.Message.Contains("shut down"));
        var statuses = accepted.Select(id => store.Get(id).Status).ToList();
        Assert.That(statuses, Is.All.Matches<JobStatus>(s => s.IsTerminal()), "Every accepted job is finished, drained or recorded cancelled.");
        Assert.That(accepted.Select(id => store.StatusesOf(id).Count(s => s.IsTerminal())), Is.All.EqualTo(1));
        TestContext.Out.WriteLine($"{mode}: {accepted.Count} accepted, stopped in {clock.ElapsedMilliseconds} ms: " +
            string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}")));
        stubborn.SetResult();
    }
}
