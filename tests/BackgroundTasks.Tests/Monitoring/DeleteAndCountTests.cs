namespace BackgroundTasks.Tests.Monitoring;

[CancelAfter(20_000)]
public sealed class DeleteAndCountTests
{
    [Test]
    public async Task DeleteAsync_FinishedJob_RemovesItsRecord(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync();
        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await host.Monitor.WaitAsync(id, ct);

        Assert.That(await host.Monitor.DeleteAsync(id, ct), Is.True);

        Assert.That(await host.Monitor.GetAsync(id, ct), Is.Null);
        Assert.That(async () => await host.Monitor.DeleteAsync(id, ct), Throws.InstanceOf<KeyNotFoundException>().With.Message.Contains(id.ToString()));
    }

    [Test]
    public async Task DeleteAsync_RunningJob_ReturnsFalseAndTheJobGoesOn(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync();
        var (id, release) = await host.StartBlockingJobAsync(ct);

        Assert.That(await host.Monitor.DeleteAsync(id, ct), Is.False);

        release.SetResult();
        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task DeleteAsync_StoreWithoutDelete_ReturnsFalseAndKeepsTheRecord(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        await host.Monitor.WaitAsync(id, ct);

        Assert.That(await host.Monitor.DeleteAsync(id, ct), Is.False);
        Assert.That(await host.Monitor.GetAsync(id, ct), Is.Not.Null);
    }

    [Test]
    public async Task CountAsync_JobsInTwoQueues_CountsByQueueAndStatus(CancellationToken ct)
    {
        await using var host = await DefaultStoreHost.StartAsync(build: b => b.AddQueue("mail"));
        var (running, release) = await host.StartBlockingJobAsync(ct);
        var failed = await host.Queue.EnqueueAsync(_ => throw new InvalidOperationException("no"), new JobOptions { Queue = "mail" }, ct);
        var succeeded = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Queue = "mail" }, ct);
        await host.Monitor.WaitAsync(failed, ct);
        await host.Monitor.WaitAsync(succeeded, ct);

        var counts = await host.Monitor.CountAsync(ct);

        Assert.That(counts, Is.EquivalentTo(new Dictionary<(string, JobStatus), int>
        {
            [("default", JobStatus.Running)] = 1,
            [("mail", JobStatus.Failed)] = 1,
            [("mail", JobStatus.Succeeded)] = 1,
        }));
        release.SetResult();
        await host.Monitor.WaitAsync(running, ct);
    }
}
