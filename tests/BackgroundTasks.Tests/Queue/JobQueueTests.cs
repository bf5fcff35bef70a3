using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Queue;

[CancelAfter(20_000)]
public sealed class JobQueueTests
{
    [Test]
    public async Task EnqueueAsync_Delegate_RunsOnceAndSucceeds(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        var runs = 0;

        var id = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, cancellationToken: ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(runs, Is.EqualTo(1));
        Assert.That(record.Attempt, Is.EqualTo(1));
        Assert.That(record.StartedAt, Is.Not.Null);
        Assert.That(record.FinishedAt, Is.Not.Null);
        Assert.That(host.Store.StatusesOf(id), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded }));
    }

    [Test]
    public async Task EnqueueAsync_ResultDelegate_KeepsResult(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();

        var id = await host.Queue.EnqueueAsync(async ctx =>
        {
            await Task.Yield();
            return $"report for {ctx.Name}";
        }, new JobOptions { Name = "march" }, ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Result, Is.EqualTo("report for march"));
        Assert.That(record.Name, Is.EqualTo("march"));
    }

    [Test]
    public async Task EnqueueAsync_ContextDescribesJob(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(build: b => b.AddQueue("mail", q => q.Workers = 1));
        var seen = new TaskCompletionSource<(JobId, string?, string, int, int)>();

        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            seen.SetResult((ctx.Id, ctx.Name, ctx.Queue, ctx.Attempt, ctx.MaxAttempts));
            return Task.CompletedTask;
        }, new JobOptions { Name = "welcome", Queue = "mail", MaxAttempts = 4 }, ct);

        Assert.That(await seen.Task.WaitAsync(ct), Is.EqualTo((id, "welcome", "mail", 1, 4)));
        Assert.That((await host.Monitor.WaitAsync(id, ct)).Queue, Is.EqualTo("mail"));
    }

    [Test]
    public async Task EnqueueAsync_ServiceForm_ResolvesFromFreshScopeAndDisposesIt(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(services: s =>
        {
            s.AddScoped<ScopedThing>();
            s.AddScoped<AsyncOnlyThing>();
        });
        var seen = new List<ScopedThing>();
        var asyncThings = new List<AsyncOnlyThing>();

        var first = await host.Queue.EnqueueAsync<ScopedThing>((thing, ctx) =>
        {
            lock (seen)
            {
                seen.Add(thing);
                Assert.That(ctx.Services.GetRequiredService<ScopedThing>(), Is.SameAs(thing), "The job's services are its own scope.");
                asyncThings.Add(ctx.Services.GetRequiredService<AsyncOnlyThing>());
            }

            return Task.CompletedTask;
        }, cancellationToken: ct);
        var second = await host.Queue.EnqueueAsync<ScopedThing>((thing, _) =>
        {
            lock (seen)
            {
                seen.Add(thing);
            }

            return Task.CompletedTask;
        }, cancellationToken: ct);
        await host.Monitor.WaitAsync(first, ct);
        await host.Monitor.WaitAsync(second, ct);

        Assert.That(seen, Has.Count.EqualTo(2));
        Assert.That(seen[0], Is.Not.SameAs(seen[1]), "Each job gets its own scope.");
        Assert.That(seen.All(t => t.Disposed), Is.True, "Scoped services are disposed after the job.");
        Assert.That(asyncThings.Single().DisposedAsync, Is.True, "IAsyncDisposable scoped services are disposed asynchronously.");
    }

    [Test]
    public async Task EnqueueAsync_ServiceForm_UnregisteredService_FailsJobWithClearError(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();

        var id = await host.Queue.EnqueueAsync<ScopedThing>((_, _) => Task.CompletedTask, cancellationToken: ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.Error!.Message, Does.Contain(nameof(ScopedThing)));
    }

    [Test]
    public async Task EnqueueAsync_JobThrows_RecordsErrorAndWorkerGoesOn(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(o => o.Queues["default"].Workers = 1);

        var failing = await host.Queue.EnqueueAsync(_ => throw new InvalidOperationException("disk full"), cancellationToken: ct);
        var next = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        var failed = await host.Monitor.WaitAsync(failing, ct);
        var after = await host.Monitor.WaitAsync(next, ct);

        Assert.That(failed.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(failed.Error!.Type, Is.EqualTo("System.InvalidOperationException"));
        Assert.That(failed.Error.Message, Is.EqualTo("disk full"));
        Assert.That(failed.Error.StackTrace, Does.Contain(nameof(EnqueueAsync_JobThrows_RecordsErrorAndWorkerGoesOn)));
        Assert.That(after.Status, Is.EqualTo(JobStatus.Succeeded), "A failing job never stops the worker.");
    }

    [Test]
    public async Task EnqueueAsync_AsyncJobThrowsLater_RecordsError(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();

        var id = await host.Queue.EnqueueAsync(async _ =>
        {
            await Task.Yield();
            throw new FormatException("bad row 7");
        }, cancellationToken: ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.Error!.Type, Is.EqualTo("System.FormatException"));
    }

    [Test]
    public async Task EnqueueAsync_BeforeHostStarts_RunsOnceStarted(CancellationToken ct)
    {
        await using var host = JobsHost.Create();
        var id = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
        Assert.That(host.Store.Get(id).Status, Is.EqualTo(JobStatus.Queued));

        await host.Host.StartAsync(ct);

        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task EnqueueAsync_UnknownQueue_ThrowsNamingQueueAndKnownOnes()
    {
        await using var host = await JobsHost.StartAsync(build: b => b.AddQueue("mail"));

        var ex = Assert.ThrowsAsync<ArgumentException>(async () => await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Queue = "emails" }));

        Assert.That(ex!.ParamName, Is.EqualTo("options"));
        Assert.That(ex.Message, Does.Contain("'emails'").And.Contain("'mail'").And.Contain("'default'").And.Contain("AddQueue"));
        Assert.That(host.Store.Transitions, Is.Empty, "A rejected job is not recorded.");
    }

    [Test]
    public async Task TryEnqueue_QueueHasSpace_AcceptsAndRuns(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();

        Assert.That(host.Queue.TryEnqueue(_ => Task.CompletedTask, out var id), Is.True);

        Assert.That((await host.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    public sealed class ScopedThing : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    public sealed class AsyncOnlyThing : IAsyncDisposable
    {
        public bool DisposedAsync { get; private set; }

        public ValueTask DisposeAsync()
        {
            DisposedAsync = true;
            return ValueTask.CompletedTask;
        }
    }
}
