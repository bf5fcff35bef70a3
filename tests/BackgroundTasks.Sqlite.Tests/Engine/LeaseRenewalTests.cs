using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>The heartbeat's renewal tells a job another host recovered from one this host claimed after the renewal was written.</summary>
[CancelAfter(30_000)]
public sealed class LeaseRenewalTests
{
    [Test]
    public async Task JobClaimedAfterTheRenewalWasWritten_KeepsItsToken_AndRunsOnce(CancellationToken ct)
    {
        using var database = new TempDatabase();
        await using var sqlite = database.Open(o => o.LeaseDuration = TimeSpan.FromMilliseconds(300));
        var store = new GatedSqliteStore(sqlite);
        var gate = new JobGate();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(gate);
        builder.Services.AddBackgroundJobs(o =>
            {
                o.HostName = "host-a";
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.Queues["default"].Workers = 1;
                o.Queues["default"].MaxAttempts = 3;
            })
            .AddJob<GatedJob, GateArgs>("gated")
            .UseStore(_ => store);
        using var host = builder.Build();
        var releaseRenewal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var renewalWritten = store.HoldNextRenewal(releaseRenewal);
        await host.StartAsync(ct);

        // The renewal is committed while this host holds nothing; the job is claimed and starts after it.
        await renewalWritten.WaitAsync(ct);
        var id = await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync<GatedJob, GateArgs>(new GateArgs("late-claim"), cancellationToken: ct);
        await gate.Started.Task.WaitAsync(ct);
        var heartbeatDone = store.NextRenewalStarted();
        releaseRenewal.SetResult();
        await heartbeatDone.WaitAsync(ct);

        Assert.That(gate.TokenFired, Is.False, "The heartbeat took a job claimed after its renewal for one another host recovered, and fired its token.");
        gate.Release.SetResult();
        var record = await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, ct);
        Assert.That((record.Status, record.Attempt, gate.Runs), Is.EqualTo((JobStatus.Succeeded, 1, 1)));
        await host.StopAsync(ct);
    }

    public sealed record GateArgs(string Key);

    public sealed class JobGate
    {
        private int _runs;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TokenFired { get; set; }

        public int Runs => Volatile.Read(ref _runs);

        public void Ran() => Interlocked.Increment(ref _runs);
    }

    public sealed class GatedJob(JobGate gate) : IJob<GateArgs>
    {
        public async Task RunAsync(GateArgs args, JobContext context)
        {
            gate.Ran();
            gate.Started.TrySetResult();
            try
            {
                await gate.Release.Task.WaitAsync(context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                gate.TokenFired = true;
                throw;
            }
        }
    }
}
