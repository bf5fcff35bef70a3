using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BackgroundTasks.Tests;

/// <summary>
/// A real generic host with background jobs on the default <see cref="InMemoryJobStore"/> (the library's
/// fast path), a fake clock (or the system clock), and a log collector. Unlike <see cref="JobsHost"/>, no
/// custom store is plugged in.
/// </summary>
/// <remarks>
/// Workers reuse their token source from job to job only when <see cref="CancellationTokenSource.TryReset"/>
/// succeeds, and it never does for a source made with a <see cref="TimeProvider"/> other than
/// <see cref="TimeProvider.System"/>: tests of that reuse run on the system clock.
/// </remarks>
public sealed class DefaultStoreHost : IAsyncDisposable
{
    private readonly List<TaskCompletionSource> _blockers = [];

    private readonly TimeProvider _time;

    private DefaultStoreHost(IHost host, TimeProvider time, FakeLogCollector logs)
    {
        Host = host;
        _time = time;
        Logs = logs;
    }

    public IHost Host { get; }

    /// <summary>Gets the fake clock the host runs on.</summary>
    public TestClock Clock => _time as TestClock ?? throw new InvalidOperationException("This host runs on the system clock.");

    public FakeLogCollector Logs { get; }

    public IJobQueue Queue => Host.Services.GetRequiredService<IJobQueue>();

    public IJobMonitor Monitor => Host.Services.GetRequiredService<IJobMonitor>();

    /// <summary>Gets the store the host resolved; the tests expect the in-memory one.</summary>
    public InMemoryJobStore Store => (InMemoryJobStore)Host.Services.GetRequiredService<IJobStore>();

    /// <summary>Gets the engine behind <see cref="Queue"/>.</summary>
    internal JobEngine Engine => Host.Services.GetRequiredService<JobEngine>();

    public static DateTimeOffset Start { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Builds (does not start) a host whose store is the default one, unless <paramref name="build"/> says otherwise.</summary>
    /// <param name="configure">Configures the options; the default queue starts with 2 workers.</param>
    /// <param name="build">Configures queues and the store further.</param>
    /// <param name="time">The clock: a new <see cref="TestClock"/> at <see cref="Start"/> unless given.</param>
    /// <param name="services">Adds services.</param>
    public static DefaultStoreHost Create(Action<BackgroundJobsOptions>? configure = null, Action<BackgroundJobsBuilder>? build = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var logs = new FakeLogCollector();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        time ??= new TestClock(Start);
        builder.Services.AddSingleton<TimeProvider>(time);
        var jobs = builder.Services.AddBackgroundJobs(options =>
        {
            options.Queues["default"].Workers = 2;
            configure?.Invoke(options);
        });
        build?.Invoke(jobs);
        services?.Invoke(builder.Services);
        return new DefaultStoreHost(builder.Build(), time, logs);
    }

    public static async Task<DefaultStoreHost> StartAsync(Action<BackgroundJobsOptions>? configure = null, Action<BackgroundJobsBuilder>? build = null, TimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        var host = Create(configure, build, time, services);
        await host.Host.StartAsync();
        return host;
    }

    /// <summary>The store's current record of a job; the in-memory store answers synchronously.</summary>
    public JobRecord? Record(JobId id) => Store.GetAsync(id).Result;

    /// <summary>Waits (bounded poll) until the job's record matches; the default store signals nothing a test could await.</summary>
    public async Task<JobRecord> WaitForRecordAsync(JobId id, Func<JobRecord, bool> condition, string what, CancellationToken cancellationToken)
    {
        JobRecord? record = null;
        await Poll.UntilAsync(() => (record = Record(id)) is { } r && condition(r), what, cancellationToken);
        return record!;
    }

    /// <summary>Enqueues a job that holds its worker until released (released at the latest when the host is disposed), and returns once it runs.</summary>
    public async Task<(JobId Id, TaskCompletionSource Release)> StartBlockingJobAsync(CancellationToken cancellationToken, JobOptions? options = null)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_blockers)
        {
            _blockers.Add(release);
        }

        var id = await Queue.EnqueueAsync(async _ =>
        {
            started.TrySetResult();
            await release.Task;
        }, options, cancellationToken);
        await started.Task.WaitAsync(cancellationToken);
        return (id, release);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_blockers)
        {
            foreach (var blocker in _blockers)
            {
                blocker.TrySetResult();
            }
        }

        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await Host.StopAsync(giveUp.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Host.Dispose();
    }
}
