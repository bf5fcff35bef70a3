using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackgroundTasks.Tests.Hosting;

[CancelAfter(20_000)]
public sealed class AddBackgroundJobsTests
{
    [Test]
    public async Task AddBackgroundJobs_CalledTwice_StartsOneWorkerPoolAndRunsEachJobOnce(CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(o => o.Queues["default"].Workers = 1);
        builder.Services.AddBackgroundJobs(o => o.Queues["default"].Capacity = 7);
        using var host = builder.Build();

        var pools = host.Services.GetServices<IHostedService>().OfType<JobWorkerService>().ToList();
        var options = host.Services.GetRequiredService<IOptions<BackgroundJobsOptions>>().Value;
        await host.StartAsync(ct);
        var runs = 0;
        var id = await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, cancellationToken: ct);
        await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, ct);
        await host.StopAsync(ct);

        Assert.That(pools, Has.Count.EqualTo(1));
        Assert.That(runs, Is.EqualTo(1));
        Assert.That(options.Queues["default"].Workers, Is.EqualTo(1), "Both calls' configuration applies.");
        Assert.That(options.Queues["default"].Capacity, Is.EqualTo(7));
    }

    [TestCase("Workers", "Workers is 0: it must be at least 1")]
    [TestCase("Capacity", "Capacity is 0: it must be at least 1")]
    [TestCase("Timeout", "Timeout is -00:00:01: it must be positive")]
    [TestCase("MaxAttempts", "MaxAttempts is 0: it must be at least 1")]
    [TestCase("DefaultQueue", "DefaultQueue is 'missing', which is not a configured queue ('default', 'mail')")]
    [TestCase("DrainTimeout", "DrainTimeout is -00:00:05: it must be zero or positive")]
    [TestCase("ProgressInterval", "ProgressInterval is -00:00:01: it must be zero or positive")]
    public void StartAsync_InvalidOption_FailsNamingOptionAndFix(string option, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(o =>
        {
            var queue = o.Queues["default"];
            switch (option)
            {
                case "Workers": queue.Workers = 0; break;
                case "Capacity": queue.Capacity = 0; break;
                case "Timeout": queue.Timeout = TimeSpan.FromSeconds(-1); break;
                case "MaxAttempts": queue.MaxAttempts = 0; break;
                case "DefaultQueue": o.DefaultQueue = "missing"; break;
                case "DrainTimeout": o.DrainTimeout = TimeSpan.FromSeconds(-5); break;
                case "ProgressInterval": o.ProgressInterval = TimeSpan.FromSeconds(-1); break;
            }
        }).AddQueue("mail");
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain(expected));
    }

    [Test]
    public void AddQueue_EmptyName_ThrowsAtOnce()
    {
        var services = new ServiceCollection();

        Assert.That(() => services.AddBackgroundJobs().AddQueue(" "), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => services.AddBackgroundJobs().AddQueue(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
    }

    [Test]
    public async Task AddQueue_EachQueueHasItsOwnWorkers(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.Queues["default"].Workers = 1, b => b.AddQueue("slow", q => q.Workers = 1));
        var blockSlow = new TaskCompletionSource();
        var slowStarted = new TaskCompletionSource();
        var slow = await host.Queue.EnqueueAsync(async _ =>
        {
            slowStarted.SetResult();
            await blockSlow.Task;
        }, new JobOptions { Queue = "slow" }, ct);
        await slowStarted.Task.WaitAsync(ct);

        var fast = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);

        Assert.That((await host.Monitor.WaitAsync(fast, ct)).Status, Is.EqualTo(JobStatus.Succeeded), "The default queue is not blocked by the busy 'slow' queue.");
        blockSlow.SetResult();
        Assert.That((await host.Monitor.WaitAsync(slow, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task Workers_LimitConcurrencyPerQueue(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.Queues["default"].Workers = 3);
        var running = 0;
        var peak = 0;
        var threeRunning = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var ids = new List<JobId>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await host.Queue.EnqueueAsync(async _ =>
            {
                var now = Interlocked.Increment(ref running);
                Peak.Raise(ref peak, now);
                if (now == 3)
                {
                    threeRunning.TrySetResult();
                }

                await release.Task;
                Interlocked.Decrement(ref running);
            }, cancellationToken: ct));
        }

        await threeRunning.Task.WaitAsync(ct);
        release.SetResult();
        foreach (var id in ids)
        {
            await host.Monitor.WaitAsync(id, ct);
        }

        Assert.That(peak, Is.EqualTo(3));
    }

    [Test]
    public async Task UseStore_ReplacesTheDefaultStore(CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var store = new RecordingJobStore();
        builder.Services.AddBackgroundJobs().UseStore(_ => store);
        using var host = builder.Build();
        await host.StartAsync(ct);

        var id = await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, ct);
        await host.StopAsync(ct);

        Assert.That(host.Services.GetRequiredService<IJobStore>(), Is.SameAs(store));
        Assert.That(store.Get(id).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task Defaults_InMemoryStoreAndSystemClock(CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs();
        using var host = builder.Build();

        Assert.That(host.Services.GetRequiredService<IJobStore>(), Is.InstanceOf<InMemoryJobStore>());
        Assert.That(host.Services.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
        Assert.That(host.Services.GetRequiredService<IOptions<BackgroundJobsOptions>>().Value.Queues["default"].Workers, Is.EqualTo(Environment.ProcessorCount));
        await Task.CompletedTask;
    }
}
