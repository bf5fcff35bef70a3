using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Filters;

[CancelAfter(20_000)]
public sealed class JobFilterTests
{
    private static readonly JobOptions s_twoAttempts = new() { MaxAttempts = 2, Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 } };

    [Test]
    public async Task Filters_TwoRegistered_RunInRegistrationOrderAroundEveryAttempt(CancellationToken ct)
    {
        var log = new CallLog();
        await using var host = await JobsHost.StartAsync(
            build: jobs => jobs.AddJobFilter<OuterFilter>().AddJobFilter<InnerFilter>().AddJobFilter<OuterFilter>(),
            services: s => s.AddSingleton(log));

        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            log.Add($"job {ctx.Attempt}");
            return ctx.Attempt == 1 ? throw new IOException("flaky") : Task.CompletedTask;
        }, s_twoAttempts, ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(log.Entries, Is.EqualTo(new[]
        {
            "outer before 1", "inner before 1", "job 1", "inner after 1", "outer after 1",
            "outer before 2", "inner before 2", "job 2", "inner after 2", "outer after 2",
        }), "Outer first, once although added twice, around the retry too.");
    }

    [Test]
    public async Task Filter_SetsAScopedService_JobSeesItFromTheSameScope(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(
            build: jobs => jobs.AddJobFilter<TenantFilter>(),
            services: s => s.AddScoped<Tenant>());
        Tenant? seenByJob = null;

        var id = await host.Queue.EnqueueAsync<Tenant>((tenant, ctx) =>
        {
            seenByJob = tenant;
            return Task.CompletedTask;
        }, new JobOptions { Name = "acme" }, ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(seenByJob?.Name, Is.EqualTo("tenant of acme"), "The filter's scoped service is the job's.");
    }

    [Test]
    public async Task Filter_Throws_FailsTheAttemptLikeTheJobAndIsRetried(CancellationToken ct)
    {
        var log = new CallLog();
        await using var host = await JobsHost.StartAsync(
            build: jobs => jobs.AddJobFilter<OuterFilter>().AddJobFilter<ThrowingFilter>(),
            services: s => s.AddSingleton(log));
        var runs = 0;

        var id = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, s_twoAttempts, ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
        Assert.That(record.Attempt, Is.EqualTo(2), "A failing filter uses up attempts as a failing job does.");
        Assert.That(record.Error!.Type, Is.EqualTo(typeof(InvalidOperationException).FullName));
        Assert.That(record.Error.Message, Is.EqualTo("No tenant for attempt 2."));
        Assert.That(runs, Is.Zero);
        Assert.That(log.Entries, Is.EqualTo(new[] { "outer before 1", "outer after 1", "outer before 2", "outer after 2" }));
        Assert.That(host.Store.StatusesOf(id), Is.EqualTo(new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Retrying, JobStatus.Queued, JobStatus.Running, JobStatus.Failed }));
    }

    [Test]
    public async Task Filter_DoesNotCallNext_JobDoesNotRunAndAttemptSucceeds(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(build: jobs => jobs.AddJobFilter<SkippingFilter>());
        var runs = 0;

        var id = await host.Queue.EnqueueAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }, new JobOptions { Name = "skip-me" }, ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(runs, Is.Zero);
    }

    [Test]
    public async Task Filter_TypedJob_RunsAroundItOnADurableStore(CancellationToken ct)
    {
        var log = new CallLog();
        await using var host = await JobsHost.StartAsync(
            build: jobs => jobs.AddJobFilter<OuterFilter>().AddJob<LoggingJob, string>("logging-job"),
            services: s => s.AddSingleton(log),
            sqlite: true);

        var id = await host.Queue.EnqueueAsync<LoggingJob, string>("hello", cancellationToken: ct);
        var record = await host.Monitor.WaitAsync(id, ct);

        Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(log.Entries, Is.EqualTo(new[] { "outer before 1", "job says hello", "outer after 1" }));
    }

    [Test]
    public void JobsWithoutFilters_EngineSkipsThePipeline()
    {
        var services = new ServiceCollection();
        services.AddBackgroundJobs();
        using var provider = services.BuildServiceProvider();

        var hooks = provider.GetRequiredService<JobHooks>();

        Assert.That(hooks.HasFilters, Is.False);
        Assert.That(hooks.HasObservers, Is.False);
    }

    public sealed class CallLog
    {
        private readonly List<string> _entries = [];

        public IReadOnlyList<string> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public void Add(string entry)
        {
            lock (_entries)
            {
                _entries.Add(entry);
            }
        }
    }

    public sealed class Tenant
    {
        public string? Name { get; set; }
    }

    public sealed class OuterFilter(CallLog log) : IJobFilter
    {
        public async ValueTask InvokeAsync(JobContext context, JobFilterDelegate runNext)
        {
            log.Add($"outer before {context.Attempt}");
            try
            {
                await runNext(context);
            }
            finally
            {
                log.Add($"outer after {context.Attempt}");
            }
        }
    }

    public sealed class InnerFilter(CallLog log) : IJobFilter
    {
        public async ValueTask InvokeAsync(JobContext context, JobFilterDelegate runNext)
        {
            log.Add($"inner before {context.Attempt}");
            try
            {
                await runNext(context);
            }
            finally
            {
                log.Add($"inner after {context.Attempt}");
            }
        }
    }

    public sealed class TenantFilter(Tenant tenant) : IJobFilter
    {
        public ValueTask InvokeAsync(JobContext context, JobFilterDelegate runNext)
        {
            tenant.Name = $"tenant of {context.Name}";
            return runNext(context);
        }
    }

    public sealed class ThrowingFilter : IJobFilter
    {
        public ValueTask InvokeAsync(JobContext context, JobFilterDelegate runNext)
            => throw new InvalidOperationException($"No tenant for attempt {context.Attempt}.");
    }

    public sealed class SkippingFilter : IJobFilter
    {
        public ValueTask InvokeAsync(JobContext context, JobFilterDelegate runNext)
            => context.Name == "skip-me" ? ValueTask.CompletedTask : runNext(context);
    }

    public sealed class LoggingJob(CallLog log) : IJob<string>
    {
        public Task RunAsync(string args, JobContext context)
        {
            log.Add($"job says {args}");
            return Task.CompletedTask;
        }
    }
}
