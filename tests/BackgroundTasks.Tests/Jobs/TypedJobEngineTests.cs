using Microsoft.Extensions.DependencyInjection;
using static BackgroundTasks.Tests.Jobs.TypedJobSamples;

namespace BackgroundTasks.Tests.Jobs;

/// <summary>Typed jobs enqueued and run by the engine, on the in-memory store and on a user-written store.</summary>
[CancelAfter(20_000)]
[TestFixture(true)]
[TestFixture(false)]
public sealed class TypedJobEngineTests(bool inMemoryStore)
{
    [Test]
    public async Task EnqueueAsync_TypedJob_RunsWithItsArgumentsAndTheRecordKeepsNameAndArguments(CancellationToken ct)
    {
        await using var host = await StartAsync();
        var calls = host.Host.Services.GetRequiredService<JobCalls>();

        var id = await host.Queue.EnqueueAsync<SendInvoice, InvoiceArgs>(new InvoiceArgs(7, "ann@example.com"), cancellationToken: ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(record.Name, Is.EqualTo("send-invoice"));
        Assert.That(record.Arguments, Is.EqualTo("""{"invoiceId":7,"email":"ann@example.com"}"""));
        Assert.That(calls.Runs.Single().Args, Is.EqualTo(new InvoiceArgs(7, "ann@example.com")));
        Assert.That(calls.Runs.Single().Context!.Name, Is.EqualTo("send-invoice"));
    }

    [Test]
    public async Task EnqueueAsync_TypedJobWithResult_RecordKeepsTheResult(CancellationToken ct)
    {
        await using var host = await StartAsync();

        var id = await host.Queue.EnqueueAsync<Sum, SumArgs>(new SumArgs([2, 3, 4]), cancellationToken: ct);

        Assert.That((await host.Monitor.WaitAsync(id, ct)).Result, Is.EqualTo(9));
    }

    [Test]
    public async Task TypedJob_FailsThenRetries_EachAttemptResolvesTheJobFromAScopeOfItsOwn(CancellationToken ct)
    {
        await using var host = await StartAsync();
        var calls = host.Host.Services.GetRequiredService<JobCalls>();

        var id = await host.Queue.EnqueueAsync<Flaky, InvoiceArgs>(
            new InvoiceArgs(1, "bob@example.com"),
            new JobOptions { MaxAttempts = 3, Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 } },
            ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That((record.Status, record.Attempt), Is.EqualTo((JobStatus.Succeeded, 2)));
        var runs = host.Host.Services.GetRequiredService<FlakyRuns>();
        Assert.That(runs.Scopes, Has.Count.EqualTo(2));
        Assert.That(runs.Scopes.Distinct().Count(), Is.EqualTo(2), "Each attempt gets its own DI scope, so its own job instance.");
        Assert.That(runs.Disposed, Is.EqualTo(2), "Each attempt's scope is disposed after it.");
    }

    [Test]
    public async Task EnqueueAsync_ArgumentsThatDoNotRoundTrip_FailsAtEnqueueNamingJobAndMemberAndRecordsNothing(CancellationToken ct)
    {
        await using var host = await StartAsync();

        Assert.That(
            async () => await host.Queue.EnqueueAsync<GetOnlyJob, GetOnlyArgs>(new GetOnlyArgs("ann@example.com"), cancellationToken: ct),
            Throws.ArgumentException.With.Message.Contains("'get-only'").And.Message.Contains("To"));
        Assert.That(await host.Monitor.QueryAsync(new JobQuery(), ct), Is.Empty);
    }

    [Test]
    public async Task EnqueueManyAsync_OneArgumentDoesNotRoundTrip_EnqueuesNothing(CancellationToken ct)
    {
        await using var host = await StartAsync();

        Assert.That(
            async () => await host.Queue.EnqueueManyAsync<GetOnlyJob, GetOnlyArgs>([new GetOnlyArgs(), new GetOnlyArgs("ann@example.com")], cancellationToken: ct),
            Throws.ArgumentException.With.Message.Contains("'get-only'"));
        Assert.That(await host.Monitor.QueryAsync(new JobQuery(), ct), Is.Empty);
    }

    [Test]
    public async Task EnqueueManyAsync_ManyJobs_AllRunWithTheirArguments(CancellationToken ct)
    {
        await using var host = await StartAsync();

        var ids = await host.Queue.EnqueueManyAsync<Sum, SumArgs>(Enumerable.Range(1, 50).Select(static i => new SumArgs([i, i])), cancellationToken: ct);
        var results = new List<object?>();
        foreach (var id in ids)
        {
            results.Add((await host.Monitor.WaitAsync(id, ct)).Result);
        }

        Assert.That(results, Is.EqualTo(Enumerable.Range(1, 50).Select(static i => (object)(2 * i))));
    }

    [Test]
    public async Task EnqueueAsync_UnregisteredJob_ThrowsNamingTheTypeAndTheFix(CancellationToken ct)
    {
        await using var host = await StartAsync();

        Assert.That(
            async () => await host.Queue.EnqueueAsync<SendReminder, InvoiceArgs>(new InvoiceArgs(1, "x@example.com"), cancellationToken: ct),
            Throws.InvalidOperationException.With.Message.Contains("SendReminder").And.Message.Contains("AddJob"));
    }

    [Test]
    public async Task EnqueueAsync_TypedJobGivenAnotherName_ThrowsNamingBothNames(CancellationToken ct)
    {
        await using var host = await StartAsync();

        Assert.That(
            async () => await host.Queue.EnqueueAsync<SendInvoice, InvoiceArgs>(new InvoiceArgs(1, "x@example.com"), new JobOptions { Name = "other" }, ct),
            Throws.ArgumentException.With.Message.Contains("'other'").And.Message.Contains("'send-invoice'").And.Property("ParamName").EqualTo("options"));
    }

    private async Task<DefaultStoreHost> StartAsync()
    {
        var host = DefaultStoreHost.Create(
            build: jobs =>
            {
                jobs.AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs)
                    .AddJob<Sum, SumArgs, int>("sum", TypedJobJsonContext.Default.SumArgs)
                    .AddJob<Flaky, InvoiceArgs>("flaky", TypedJobJsonContext.Default.InvoiceArgs)
                    .AddJob<GetOnlyJob, GetOnlyArgs>("get-only", TypedJobJsonContext.Default.GetOnlyArgs);
                if (!inMemoryStore)
                {
                    jobs.UseStore(_ => new DictionaryJobStore());
                }
            },
            time: TimeProvider.System,
            services: s => s.AddSingleton<JobCalls>().AddScoped<ScopeMarker>().AddSingleton<FlakyRuns>());
        await host.Host.StartAsync();
        return host;
    }

    public sealed class FlakyRuns
    {
        private int _disposed;

        public List<Flaky> Scopes { get; } = [];

        public int Disposed => Volatile.Read(ref _disposed);

        public void OnDisposed() => Interlocked.Increment(ref _disposed);
    }

    /// <summary>Fails its first attempt; records which instance ran and counts disposals.</summary>
    public sealed class Flaky(FlakyRuns runs) : IJob<InvoiceArgs>, IDisposable
    {
        public Task RunAsync(InvoiceArgs args, JobContext context)
        {
            lock (runs.Scopes)
            {
                runs.Scopes.Add(this);
            }

            return context.Attempt == 1 ? throw new InvalidOperationException("first attempt fails") : Task.CompletedTask;
        }

        public void Dispose() => runs.OnDisposed();
    }
}
