using System.Globalization;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// Hangfire on Hangfire.PostgreSql: a <see cref="BackgroundJobServer"/> with one worker per core and the storage's
/// LISTEN/NOTIFY long polling (<see cref="PostgreSqlStorageOptions.EnableLongPolling"/>): an enqueue sends
/// <c>NOTIFY</c>, and a worker waiting for a job listens on a connection of its own, so that a job enqueued by
/// another process wakes it; a job enqueued by this process wakes it in memory. The queue poll interval, the safety
/// net between notifications, and everything else keep their defaults: a fetched job whose server died is fetched
/// again only after <see cref="PostgreSqlStorageOptions.InvisibilityTimeout"/> (30 minutes).
/// </summary>
public sealed class HangfirePgContender : IPgContender
{
    private PostgreSqlStorage? _storage;
    private BackgroundJobServer? _server;
    private BackgroundJobClient? _client;

    /// <inheritdoc/>
    public PgContender Kind => PgContender.Hangfire;

    /// <summary>Gets the settings, as the tables print them.</summary>
    public static string Settings
    {
        get
        {
            var defaults = new PostgreSqlStorageOptions();
            return string.Create(
                CultureInfo.InvariantCulture,
                $"Hangfire.Core 1.8.25, Hangfire.PostgreSql 1.21.1 on Npgsql 10.0.3: {Environment.ProcessorCount} workers per host, EnableLongPolling = true (LISTEN/NOTIFY), QueuePollInterval {defaults.QueuePollInterval.TotalSeconds:N0} s (default), InvisibilityTimeout {defaults.InvisibilityTimeout.TotalMinutes:N0} min (default), native transactions (default), SchedulePollingInterval {new BackgroundJobServerOptions().SchedulePollingInterval.TotalSeconds:N0} s (default)");
        }
    }

    /// <inheritdoc/>
    public Task StartAsync(string connectionString)
    {
        var options = new PostgreSqlStorageOptions { EnableLongPolling = true, PrepareSchemaIfNecessary = true };
        _storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseNoOpLogProvider()
            .UseStorage(_storage);
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions { WorkerCount = Environment.ProcessorCount, Queues = ["default"] },
            _storage);
        _client = new BackgroundJobClient(_storage);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask EnqueueAsync(PgJob job)
    {
        _ = job switch
        {
            PgJob.Probe => _client!.Enqueue(() => HangfirePgJobs.Probe()),
            PgJob.UntilKilled => _client!.Enqueue(() => HangfirePgJobs.UntilKilled(CancellationToken.None)),
            _ when PgJobBodies.WorkMilliseconds > 0 => _client!.Enqueue(() => HangfirePgJobs.Work()),
            _ => _client!.Enqueue(() => HangfirePgJobs.NoOp()),
        };
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync()
    {
        _server?.SendStop();
        _server?.Dispose();
        _server = null;
        _storage = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();
}
