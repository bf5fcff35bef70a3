using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests.Reliability;

[Category("Reliability")]
public sealed class BackPressureLoadTests
{
    private const int Capacity = 100;
    private const int Workers = 2;

    [Test]
    [CancelAfter(60_000)]
    public async Task FastProducersSlowWorkers_WaitMode_QueueStaysBoundedAndNothingIsDropped(CancellationToken ct)
    {
        using var host = Build(QueueFullMode.Wait);
        await host.StartAsync(ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var enqueued = 0;
        var started = 0;
        var peakWaiting = 0;
        var completed = 0;
        var ids = new ConcurrentBag<JobId>();

        var producers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                ids.Add(await queue.EnqueueAsync(ctx =>
                {
                    var waiting = Volatile.Read(ref enqueued) - Interlocked.Increment(ref started);
                    Peak.Raise(ref peakWaiting, waiting);
                    Thread.SpinWait(200);
                    Interlocked.Increment(ref completed);
                    return Task.CompletedTask;
                }, cancellationToken: ct));
                Interlocked.Increment(ref enqueued);
            }
        }, ct)).ToList();
        await Task.WhenAll(producers);
        await Poll.UntilAsync(() => Volatile.Read(ref completed) >= 40_000, $"all 40,000 jobs to run (ran {completed})", ct);

        Assert.That(completed, Is.EqualTo(40_000), "Every job ran: none dropped.");
        Assert.That(peakWaiting, Is.LessThanOrEqualTo(Capacity + Workers + 4), "Producers waited: the queue never held much more than its capacity.");
        TestContext.Out.WriteLine($"peak waiting {peakWaiting} (capacity {Capacity})");
        await host.StopAsync(ct);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task FastProducersSlowWorkers_RejectMode_RejectedPlusAcceptedIsEverythingAndAcceptedAllRun(CancellationToken ct)
    {
        using var host = Build(QueueFullMode.Reject);
        await host.StartAsync(ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var rejected = 0;
        var completed = 0;
        var ids = new ConcurrentBag<JobId>();

        var producers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                try
                {
                    ids.Add(await queue.EnqueueAsync(_ =>
                    {
                        Thread.SpinWait(200);
                        Interlocked.Increment(ref completed);
                        return Task.CompletedTask;
                    }, cancellationToken: ct));
                }
                catch (JobQueueFullException)
                {
                    Interlocked.Increment(ref rejected);
                }
            }
        }, ct)).ToList();
        await Task.WhenAll(producers);
        await Poll.UntilAsync(() => Volatile.Read(ref completed) >= ids.Count, "every accepted job to run", ct);

        Assert.That(rejected, Is.GreaterThan(0), "Producers outran the workers, so some enqueues were rejected.");
        Assert.That(ids.Count + rejected, Is.EqualTo(40_000));
        Assert.That(completed, Is.EqualTo(ids.Count), "Every accepted job ran.");
        TestContext.Out.WriteLine($"accepted {ids.Count}, rejected {rejected}");
        await host.StopAsync(ct);
    }

    private static IHost Build(QueueFullMode mode)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(o =>
        {
            o.Queues["default"].Workers = Workers;
            o.Queues["default"].Capacity = Capacity;
            o.Queues["default"].FullMode = mode;
        }).ConfigureInMemoryStore(o => o.MaxFinishedJobs = 1_000);
        return builder.Build();
    }
}
