using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests;

/// <summary>A real generic host with background jobs, a fake clock and a recording store.</summary>
public sealed class JobsHost : IAsyncDisposable
{
    private readonly TemporaryFile? _database;
    private readonly TemporaryPostgresSchema? _schema;

    private JobsHost(IHost host, TestClock time, RecordingJobStore store, TemporaryFile? database, TemporaryPostgresSchema? schema = null)
    {
        Host = host;
        Time = time;
        Store = store;
        _database = database;
        _schema = schema;
    }

    public IHost Host { get; }

    public TestClock Time { get; }

    public RecordingJobStore Store { get; }

    public IJobQueue Queue => Host.Services.GetRequiredService<IJobQueue>();

    public IJobMonitor Monitor => Host.Services.GetRequiredService<IJobMonitor>();

    /// <summary>
    /// Builds (does not start) a host on a recording store: in memory, or over a SQLite file (<paramref name="sqlite"/>) or a
    /// PostgreSQL schema (<paramref name="postgres"/>), which make the store durable and the engine claim from it.
    /// </summary>
    public static JobsHost Create(Action<BackgroundJobsOptions>? configure = null, Action<BackgroundJobsBuilder>? build = null, Action<IServiceCollection>? services = null, bool sqlite = false, bool postgres = false)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var time = new TestClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var database = sqlite ? new TemporaryFile("jobs.db") : null;
        var schema = postgres ? new TemporaryPostgresSchema() : null;
        var store = (database, schema) switch
        {
            (not null, _) => new RecordingDurableJobStore(new Sqlite.SqliteJobStore(new Sqlite.SqliteJobStoreOptions { ConnectionString = $"Data Source={database.Path}", RetentionInterval = Timeout.InfiniteTimeSpan }, time)),
            (_, not null) => new RecordingDurableJobStore(schema.Open(time)),
            _ => new RecordingJobStore(),
        };
        builder.Services.AddSingleton<TimeProvider>(time);
        var jobs = builder.Services.AddBackgroundJobs(options =>
        {
            options.Queues["default"].Workers = 2;

            // On the fake clock, only what a test does wakes the claim loop: its enqueues, and the due times it advances to.
            options.PollInterval = TimeSpan.FromHours(1);
            configure?.Invoke(options);
        }).UseStore(_ => store);
        build?.Invoke(jobs);
        services?.Invoke(builder.Services);
        return new JobsHost(builder.Build(), time, store, database, schema);
    }

    public static async Task<JobsHost> StartAsync(Action<BackgroundJobsOptions>? configure = null, Action<BackgroundJobsBuilder>? build = null, Action<IServiceCollection>? services = null, bool sqlite = false, bool postgres = false)
    {
        var host = Create(configure, build, services, sqlite, postgres);
        await host.Host.StartAsync();
        return host;
    }

    /// <summary>Enqueues a job that holds its worker until released, and returns once it runs.</summary>
    public async Task<(JobId Id, TaskCompletionSource Release)> StartBlockingJobAsync(CancellationToken cancellationToken)
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var id = await Queue.EnqueueAsync(async _ =>
        {
            started.SetResult();
            await release.Task;
        }, cancellationToken: cancellationToken);
        await started.Task.WaitAsync(cancellationToken);
        return (id, release);
    }

    public async ValueTask DisposeAsync()
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await Host.StopAsync(giveUp.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Host.Dispose();
        if (Store is IAsyncDisposable durable)
        {
            await durable.DisposeAsync();
        }

        _database?.Dispose();
        _schema?.Dispose();
    }
}
