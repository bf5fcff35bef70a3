using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static BackgroundTasks.Sqlite.Tests.Engine.DurableEngineTests;

namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>A typed job enqueued on a host with a free worker is recorded already claimed by that host; with every worker busy it waits in the file.</summary>
[CancelAfter(30_000)]
public sealed class LocalClaimTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task EnqueueAsync_WorkerFree_RowIsCommittedRunningForThisHost(CancellationToken ct)
    {
        var log = new RunLog { BlockFirstRun = true };
        using var host = await StartAsync(log, ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();

        var id = await queue.EnqueueAsync<CountRun, CountArgs>(new CountArgs("local"), cancellationToken: ct);

        // Read at once, before the job could have been claimed by a later round trip.
        await using (var reader = _database.Open())
        {
            var record = await reader.GetAsync(id, ct);
            Assert.That((record!.Status, record.Attempt), Is.EqualTo((JobStatus.Running, 1)));
            Assert.That(await reader.ClaimAsync("default", "other/1", 5, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(15), ct), Is.Empty, "Held by this host only.");
        }

        await log.FirstRunStarted.Task.WaitAsync(ct);
        Assert.That(await host.Services.GetRequiredService<IJobMonitor>().CancelAsync(id, ct), Is.True);
        await host.StopAsync(ct);
    }

    [Test]
    public async Task EnqueueAsync_EveryWorkerBusy_JobWaitsQueuedAndRunsOnceTheWorkerIsFree(CancellationToken ct)
    {
        var gate = new Gate();
        using var host = await StartAsync(new RunLog(), ct, gate);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        await queue.EnqueueAsync<GatedJob, GatedArgs>(new GatedArgs(Blocks: true), cancellationToken: ct);
        await gate.Started.Task.WaitAsync(ct);

        var second = await queue.EnqueueAsync<GatedJob, GatedArgs>(new GatedArgs(Blocks: false), cancellationToken: ct);

        Assert.That((await host.Services.GetRequiredService<IJobMonitor>().GetAsync(second, ct))!.Status, Is.EqualTo(JobStatus.Queued), "The only worker runs the first job.");

        // The poll interval is minutes: only the first job's end can wake the claim of the second.
        gate.Release.SetResult();
        await gate.SecondRan.Task.WaitAsync(ct);
        await host.StopAsync(ct);
        await using var reader = _database.Open();
        var record = await reader.GetAsync(second, ct);
        Assert.That((record!.Status, record.Attempt), Is.EqualTo((JobStatus.Succeeded, 1)));
    }

    [Test]
    public async Task EnqueueAsync_HostNotStarted_LeavesTheJobQueuedForOtherHosts(CancellationToken ct)
    {
        using var producer = Build(new RunLog(), gate: null);

        var id = await producer.Services.GetRequiredService<IJobQueue>().EnqueueAsync<CountRun, CountArgs>(new CountArgs("elsewhere"), cancellationToken: ct);

        await using var reader = _database.Open();
        Assert.That((await reader.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Queued), "A host whose workers do not run claims nothing.");
    }

    public sealed record GatedArgs(bool Blocks);

    public sealed class Gate
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SecondRan { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public sealed class GatedJob(Gate gate) : IJob<GatedArgs>
    {
        public async Task RunAsync(GatedArgs args, JobContext context)
        {
            if (args.Blocks)
            {
                gate.Started.SetResult();
                await gate.Release.Task.WaitAsync(context.CancellationToken);
            }
            else
            {
                gate.SecondRan.SetResult();
            }
        }
    }

    private async Task<IHost> StartAsync(RunLog log, CancellationToken ct, Gate? gate = null)
    {
        var host = Build(log, gate);
        await host.StartAsync(ct);
        return host;
    }

    private IHost Build(RunLog log, Gate? gate)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton(gate ?? new Gate());
        builder.Services.AddBackgroundJobs(o =>
            {
                o.HostName = "host-a";
                o.PollInterval = TimeSpan.FromMinutes(5);
                o.Queues["default"].Workers = 1;
            })
            .AddJob<CountRun, CountArgs>("count")
            .AddJob<GatedJob, GatedArgs>("gated")
            .UseSqlite(_database.Path, o => o.RetentionInterval = Timeout.InfiniteTimeSpan);
        return builder.Build();
    }
}
