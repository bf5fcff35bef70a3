using BackgroundTasks.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static BackgroundTasks.Tests.Jobs.TypedJobSamples;

namespace BackgroundTasks.Tests.Queue;

/// <summary>Jobs with a unique key: one job per key while it is alive (or finished within its window), on every store.</summary>
[CancelAfter(60_000)]
public sealed class UniqueJobTests
{
    [Test]
    public async Task EnqueueUniqueAsync_EightProducersSameKeyAtOnce_OneJob([Values(StoreKind.InMemory, StoreKind.UserWritten, StoreKind.Sqlite, StoreKind.SqliteTwoHosts, StoreKind.PostgreSql, StoreKind.PostgreSqlTwoHosts)] StoreKind storeKind, CancellationToken ct)
    {
        using var database = storeKind is StoreKind.Sqlite or StoreKind.SqliteTwoHosts ? new TemporaryFile("unique.db") : null;
        using var schema = storeKind is StoreKind.PostgreSql or StoreKind.PostgreSqlTwoHosts ? new TemporaryPostgresSchema() : null;
        var userStore = storeKind == StoreKind.UserWritten ? new DictionaryJobStore() : null;
        var hosts = new List<IHost> { BuildHost("host-a", database, userStore, schema) };
        if (storeKind is StoreKind.SqliteTwoHosts or StoreKind.PostgreSqlTwoHosts)
        {
            hosts.Add(BuildHost("host-b", database, userStore, schema));
        }

        try
        {
            foreach (var host in hosts)
            {
                await host.StartAsync(ct);
            }

            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var runs = 0;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var producers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                await start.Task;
                var queue = hosts[i % hosts.Count].Services.GetRequiredService<IJobQueue>();
                return await queue.EnqueueUniqueAsync(
                    async context =>
                    {
                        Interlocked.Increment(ref runs);
                        await release.Task.WaitAsync(context.CancellationToken);
                    },
                    new JobOptions { Name = "monthly-report", UniqueKey = "report:2026-01" },
                    ct);
            })).ToArray();
            start.SetResult();
            var results = await Task.WhenAll(producers);

            var id = results.Single(r => !r.IsDuplicate).Id;
            Assert.That(results.Select(r => r.Id), Is.All.EqualTo(id), "Every producer gets the id of the one job.");
            var monitor = hosts[0].Services.GetRequiredService<IJobMonitor>();
            var recorded = await monitor.QueryAsync(new JobQuery { Name = "monthly-report" }, ct);
            Assert.That(recorded.Select(r => r.Id), Is.EqualTo(new[] { id }));
            Assert.That(recorded[0].UniqueKey, Is.EqualTo("report:2026-01"));

            release.SetResult();
            var finished = await monitor.WaitAsync(id, ct);
            Assert.That(finished.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(Volatile.Read(ref runs), Is.EqualTo(1));

            // Finished, the job no longer holds its key.
            var again = await hosts[^1].Services.GetRequiredService<IJobQueue>().EnqueueUniqueAsync(_ => Task.CompletedTask, new JobOptions { Name = "monthly-report", UniqueKey = "report:2026-01" }, ct);
            Assert.That(again.IsDuplicate, Is.False);
            Assert.That(again.Id, Is.Not.EqualTo(id));
            Assert.That((await hosts[^1].Services.GetRequiredService<IJobMonitor>().WaitAsync(again.Id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync(CancellationToken.None);
                host.Dispose();
            }
        }
    }

    [Test]
    public async Task EnqueueAsync_KeyHeldByLiveJob_ReturnsTheHoldersIdAndEnqueuesNothing([Values] bool sqlite, CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite);
        var options = new JobOptions { Name = "sync", UniqueKey = "sync:customer-7" };
        var holder = await host.Queue.StartCancellableJobAsync(options, ct);

        var duplicate = await host.Queue.EnqueueAsync(_ => Task.CompletedTask, options, ct);
        var result = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);
        var other = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, new JobOptions { Name = "sync", UniqueKey = "sync:customer-8" }, ct);

        Assert.That(duplicate, Is.EqualTo(holder));
        Assert.That(result, Is.EqualTo(new JobEnqueueResult(holder, IsDuplicate: true)));
        Assert.That(other.IsDuplicate, Is.False);
        Assert.That((await host.Monitor.WaitAsync(other.Id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        var jobs = await host.Monitor.QueryAsync(new JobQuery { Name = "sync" }, ct);
        Assert.That(jobs.Select(j => j.Id), Is.EquivalentTo(new[] { holder, other.Id }));
        await host.Monitor.CancelAsync(holder, ct);
    }

    [Test]
    public async Task EnqueueUniqueAsync_WithinUniqueForAfterTheHolderFinished_IsADuplicateUntilTheWindowEnds([Values] bool sqlite, CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite);
        var options = new JobOptions { Name = "digest", UniqueKey = "digest:daily", UniqueFor = TimeSpan.FromMinutes(10) };
        var first = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);
        var finished = await host.Monitor.WaitAsync(first.Id, ct);
        Assert.That(finished.Status, Is.EqualTo(JobStatus.Succeeded));

        host.Time.Advance(TimeSpan.FromMinutes(10));
        var within = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);
        var withoutWindow = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, new JobOptions { Name = "digest-no-window", UniqueKey = "digest:daily" }, ct);
        host.Time.Advance(TimeSpan.FromTicks(1));
        var after = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);

        Assert.That(within, Is.EqualTo(new JobEnqueueResult(first.Id, IsDuplicate: true)), "The window includes its last tick.");
        Assert.That(withoutWindow.IsDuplicate, Is.False, "A job enqueued without a window is held off only by a live job.");
        Assert.That(after.IsDuplicate, Is.True, "The job enqueued without a window holds the key until it finishes.");
        Assert.That(after.Id, Is.EqualTo(withoutWindow.Id));
        await host.Monitor.WaitAsync(withoutWindow.Id, ct);
        host.Time.Advance(TimeSpan.FromMinutes(11));
        var later = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);
        Assert.That(later.IsDuplicate, Is.False);
        Assert.That((await host.Monitor.WaitAsync(later.Id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task EnqueueUniqueAsync_FailedOrCancelledHolder_ReleasesTheKey([Values] bool sqlite, CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite);
        var options = new JobOptions { Name = "import", UniqueKey = "import:file-1" };
        var failed = await host.Queue.EnqueueUniqueAsync(_ => throw new InvalidOperationException("bad file"), options, ct);
        Assert.That((await host.Monitor.WaitAsync(failed.Id, ct)).Status, Is.EqualTo(JobStatus.Failed));

        var cancelled = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, new JobOptions { Name = "import", UniqueKey = "import:file-1", Delay = TimeSpan.FromHours(1) }, ct);
        Assert.That(cancelled.IsDuplicate, Is.False);
        Assert.That(await host.Monitor.CancelAsync(cancelled.Id, ct), Is.True);
        Assert.That((await host.Monitor.WaitAsync(cancelled.Id, ct)).Status, Is.EqualTo(JobStatus.Cancelled));

        var next = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);
        Assert.That(next.IsDuplicate, Is.False);
        Assert.That((await host.Monitor.WaitAsync(next.Id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task EnqueueUniqueAsync_DelayedHolder_HoldsTheKeyWhileScheduledAndUntilItRuns([Values] bool sqlite, CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(sqlite: sqlite);
        var options = new JobOptions { Name = "reminder", UniqueKey = "reminder:order-5", Delay = TimeSpan.FromMinutes(30) };
        var scheduled = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);
        Assert.That(host.Store.Get(scheduled.Id).Status, Is.EqualTo(JobStatus.Scheduled));

        var duplicate = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);
        var duplicateNow = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, new JobOptions { Name = "reminder", UniqueKey = "reminder:order-5" }, ct);
        Assert.That(duplicate, Is.EqualTo(new JobEnqueueResult(scheduled.Id, IsDuplicate: true)));
        Assert.That(duplicateNow, Is.EqualTo(new JobEnqueueResult(scheduled.Id, IsDuplicate: true)));

        await host.Time.WaitForTimerAsync(TimeSpan.FromMinutes(30), ct);
        host.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.That((await host.Monitor.WaitAsync(scheduled.Id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        var next = await host.Queue.EnqueueUniqueAsync(_ => Task.CompletedTask, options, ct);
        Assert.That(next.IsDuplicate, Is.False);
        Assert.That((await host.Monitor.QueryAsync(new JobQuery { Name = "reminder" }, ct)).Select(r => r.Id), Is.EquivalentTo(new[] { scheduled.Id, next.Id }));
    }

    [Test]
    public async Task EnqueueUniqueAsync_TypedJob_SecondIsADuplicateAndTheFirstRunsOnce([Values] bool sqlite, CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(
            build: jobs => jobs.AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs),
            services: s => s.AddSingleton<JobCalls>().AddScoped<ScopeMarker>(),
            sqlite: sqlite);
        var options = new JobOptions { UniqueKey = "invoice:42", Delay = TimeSpan.FromMinutes(1) };

        var first = await host.Queue.EnqueueUniqueAsync<SendInvoice, InvoiceArgs>(new InvoiceArgs(42, "a@example.com"), options, ct);
        var second = await host.Queue.EnqueueUniqueAsync<SendInvoice, InvoiceArgs>(new InvoiceArgs(42, "b@example.com"), options, ct);
        var viaEnqueueAsync = await host.Queue.EnqueueAsync<SendInvoice, InvoiceArgs>(new InvoiceArgs(42, "c@example.com"), options, ct);
        await host.Time.WaitForTimerAsync(TimeSpan.FromMinutes(1), ct);
        host.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.That(first.IsDuplicate, Is.False);
        Assert.That(second, Is.EqualTo(new JobEnqueueResult(first.Id, IsDuplicate: true)));
        Assert.That(viaEnqueueAsync, Is.EqualTo(first.Id));
        // The store's own signal: on SQLite the job is claimed from the file, where the monitor would only poll for it.
        var record = await host.Store.WaitForStatusAsync(first.Id, JobStatus.Succeeded, ct);
        Assert.That(record.UniqueKey, Is.EqualTo("invoice:42"));
        var calls = host.Host.Services.GetRequiredService<JobCalls>();
        Assert.That(calls.Runs.Select(r => r.Args), Is.EqualTo(new object[] { new InvoiceArgs(42, "a@example.com") }));
    }

    [Test]
    public async Task EnqueueUniqueAsync_BadKeyOrWindow_ThrowsNamingTheOptionAndEnqueuesNothing(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync();
        Func<JobContext, Task> job = _ => Task.CompletedTask;

        Assert.That(async () => await host.Queue.EnqueueUniqueAsync(job, new JobOptions { UniqueKey = "" }, ct), Throws.ArgumentException.With.Message.Contains("JobOptions.UniqueKey is empty").And.Property("ParamName").EqualTo("options"));
        Assert.That(async () => await host.Queue.EnqueueAsync(job, new JobOptions { UniqueKey = "  " }, ct), Throws.ArgumentException.With.Message.Contains("JobOptions.UniqueKey is empty"));
        Assert.That(async () => await host.Queue.EnqueueUniqueAsync(job, new JobOptions { UniqueKey = "k", UniqueFor = TimeSpan.FromSeconds(-1) }, ct), Throws.ArgumentException.With.Message.Contains("JobOptions.UniqueFor is -00:00:01").And.Message.Contains("must not be negative"));
        Assert.That(async () => await host.Queue.EnqueueAsync(job, new JobOptions { UniqueFor = TimeSpan.FromMinutes(5) }, ct), Throws.ArgumentException.With.Message.Contains("UniqueKey is not set"));
        Assert.That(async () => await host.Queue.EnqueueUniqueAsync(job, new JobOptions(), ct), Throws.ArgumentException.With.Message.Contains("EnqueueUniqueAsync needs the key"));
        Assert.That(async () => await host.Queue.EnqueueUniqueAsync(job, null!, ct), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        Assert.That(() => host.Queue.TryEnqueue(job, out _, new JobOptions { UniqueKey = "k" }), Throws.ArgumentException.With.Message.Contains("use EnqueueUniqueAsync"));
        Assert.That(host.Store.Transitions, Is.Empty, "Nothing was recorded.");
    }

    private static IHost BuildHost(string name, TemporaryFile? database, IJobStore? userStore, TemporaryPostgresSchema? schema = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();

        // Hosts sharing a store need names of their own: a host takes jobs of its own name as its earlier instance's.
        var jobs = builder.Services.AddBackgroundJobs(o =>
        {
            o.Queues["default"].Workers = 2;
            o.HostName = name;
        });
        if (database is not null)
        {
            jobs.UseSqlite(database.Path);
        }
        else if (userStore is not null)
        {
            jobs.UseStore(_ => userStore);
        }
        else if (schema is not null)
        {
            jobs.UseNpgsql(schema.ConnectionString, o => o.Schema = schema.Name);
        }

        return builder.Build();
    }
}
