using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Filters;

/// <summary>
/// Outcomes that no job run decides, heard by state observers once: continuations settled when the job they continue
/// ends (on a durable store, by the store, in the write of that end). Jobs recovered from a host that is gone:
/// <see cref="RecoveryObserverTests"/>.
/// </summary>
[CancelAfter(30_000)]
[TestFixture(StoreKind.InMemory)]
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.PostgreSql)]
public sealed class StoreDecidedObserverTests(StoreKind storeKind)
{
    [Test]
    public async Task OnStateChanged_ContinuationsOfAJobThatFailsOrIsCancelled_HearsEachSettlingOnce([Values] bool cancelledById, CancellationToken ct)
    {
        var seen = new JobStateObserverTests.ChangeLog();
        await using var host = await StartAsync(seen);
        var parent = cancelledById
            ? await host.Queue.EnqueueAsync<CountingJob, int>(0, new JobOptions { Delay = TimeSpan.FromMinutes(1) }, ct)
            : await host.Queue.EnqueueAsync<JobStateObserverTests.FailingJob, int>(0, new JobOptions { Delay = TimeSpan.FromMinutes(1) }, ct);
        var cancelled = await host.Queue.EnqueueAsync<CountingJob, int>(1, new JobOptions { ContinueAfter = parent, ContinueWhen = JobContinuation.Succeeded }, ct);
        var released = await host.Queue.EnqueueAsync<CountingJob, int>(2, new JobOptions { ContinueAfter = parent, ContinueWhen = JobContinuation.Finished }, ct);
        var lambda = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { ContinueAfter = parent }, ct);

        if (cancelledById)
        {
            Assert.That(await host.Monitor.CancelAsync(parent, ct), Is.True);
        }
        else
        {
            await host.Time.WaitForTimerAsync(TimeSpan.FromMinutes(1), ct);
            host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var ended = (await host.Monitor.WaitAsync(parent, ct)).Status;
        Assert.That((await host.Monitor.WaitAsync(cancelled, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        Assert.That((await host.Monitor.WaitAsync(released, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That((await host.Monitor.WaitAsync(lambda, ct)).Status, Is.EqualTo(JobStatus.Cancelled));
        await Poll.UntilAsync(() => seen.StatusesOf(released).Contains(JobStatus.Succeeded), "the released continuation's end to be heard", ct);

        Assert.That(ended, Is.EqualTo(cancelledById ? JobStatus.Cancelled : JobStatus.Failed));
        foreach (var id in new[] { cancelled, lambda })
        {
            Assert.That(seen.StatusesOf(id), Is.EqualTo(new[] { JobStatus.Scheduled, JobStatus.Cancelled }), $"Continuation {id}: waiting, then cancelled, each heard once.");
            var change = seen.Of(id)[^1];
            Assert.That(change.CancelReason, Is.EqualTo(JobCancelReason.Requested));
            Assert.That(change.Error!.Message, Does.Contain($"Job {parent}, which this job continues, ended {ended}"));
        }

        // The store's release and this host's claim race to be heard first; each is heard once.
        Assert.That(seen.StatusesOf(released), Is.EquivalentTo(new[] { JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded }));
        Assert.That(seen.Of(cancelled)[^1].Name, Is.EqualTo("counting"));
    }

    private JobsHost Create(JobStateObserverTests.ChangeLog seen) => Create(storeKind, seen);

    /// <summary>A host on <paramref name="kind"/> whose observer logs into <paramref name="seen"/>, with the counting and failing jobs.</summary>
    internal static JobsHost Create(StoreKind kind, JobStateObserverTests.ChangeLog seen) => JobsHost.Create(
        build: jobs => jobs.OnStateChanged(seen.Add).AddJob<CountingJob, int>("counting").AddJob<JobStateObserverTests.FailingJob, int>("failing"),
        sqlite: kind == StoreKind.Sqlite,
        postgres: kind == StoreKind.PostgreSql);

    private async Task<JobsHost> StartAsync(JobStateObserverTests.ChangeLog seen)
    {
        var host = Create(seen);
        await host.Host.StartAsync();
        return host;
    }

    public sealed class CountingJob : IJob<int>
    {
        public Task RunAsync(int args, JobContext context) => Task.CompletedTask;
    }
}
