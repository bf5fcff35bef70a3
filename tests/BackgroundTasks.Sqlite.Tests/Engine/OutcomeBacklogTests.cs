using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>
/// A store that commits outcomes slower than jobs run (a loaded database) must not let claimed jobs whose outcome is not
/// written pile up: a crash runs each of them again, so they are bounded by the workers (twice the workers wait at
/// most, and the workers' own claims run meanwhile).
/// </summary>
[CancelAfter(30_000)]
public sealed class OutcomeBacklogTests
{
    private const int Workers = 2;

    [Test]
    public async Task OutcomesNotCommitted_StopFurtherClaims_UntilTheStoreCatchesUp(CancellationToken ct)
    {
        using var database = new TempDatabase();
        await using var sqlite = database.Open(o => o.LeaseDuration = TimeSpan.FromMilliseconds(600));
        var store = new GatedSqliteStore(sqlite);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.HoldOutcomes(release.Task);
        var runs = new RunCount();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(runs);
        builder.Services.AddBackgroundJobs(o =>
            {
                o.HostName = "host-a";
                o.PollInterval = TimeSpan.FromMilliseconds(20);
                o.Queues["default"].Workers = Workers;
            })
            .AddJob<CountedJob, CountedArgs>("counted")
            .UseStore(_ => store);
        using var host = builder.Build();
        await host.StartAsync(ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var ids = new List<JobId>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await queue.EnqueueAsync<CountedJob, CountedArgs>(new CountedArgs(i), cancellationToken: ct));
        }

        // Every job that ran waits for its outcome to be committed; then three heartbeats pass (about 30 polls of the
        // claim loop, each woken by the enqueues above): without the bound the other jobs would all run meanwhile.
        await Poll.UntilAsync(() => runs.Value >= Workers && store.HeldOutcomes == runs.Value, TimeSpan.FromSeconds(20), "The first jobs' outcomes never waited for the store", ct);
        var renewals = store.Renewals;
        await Poll.UntilAsync(() => store.Renewals >= renewals + 3, TimeSpan.FromSeconds(20), "Three heartbeats never came", ct);

        Assert.That(runs.Value, Is.LessThanOrEqualTo(3 * Workers), $"Jobs ran while {store.HeldOutcomes} outcomes waited for the store.");
        release.SetResult();
        var monitor = host.Services.GetRequiredService<IJobMonitor>();
        foreach (var id in ids)
        {
            Assert.That((await monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        }

        Assert.That(runs.Value, Is.EqualTo(30), "Each job ran once once the store caught up.");
        await host.StopAsync(ct);
    }

    public sealed record CountedArgs(int Number);

    public sealed class RunCount
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }

    public sealed class CountedJob(RunCount runs) : IJob<CountedArgs>
    {
        public Task RunAsync(CountedArgs args, JobContext context)
        {
            runs.Add();
            return Task.CompletedTask;
        }
    }
}
