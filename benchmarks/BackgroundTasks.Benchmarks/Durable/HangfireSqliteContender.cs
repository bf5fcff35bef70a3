using Hangfire;
using Hangfire.Storage.SQLite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// Hangfire on Hangfire.Storage.SQLite: a <see cref="BackgroundJobServer"/> with <paramref name="workers"/> workers, WAL (the
/// storage's default journal mode), <c>synchronous = NORMAL</c> on every connection it opens, and a queue poll
/// interval of <see cref="QueuePollInterval"/>: the storage has no wake-up, so each idle worker polls the queue
/// table, and below 1 ms <c>WaitHandle.WaitOne</c> rounds the wait down to nothing and the workers spin. A fetched
/// job whose server died is fetched again only after <see cref="SQLiteStorageOptions.InvisibilityTimeout"/>,
/// left at its default of 30 minutes (lowering it makes long jobs run twice).
/// </summary>
/// <param name="workers">The server's <see cref="BackgroundJobServerOptions.WorkerCount"/>.</param>
public sealed class HangfireSqliteContender(int workers) : IDurableContender
{
    /// <summary>How often an idle worker looks for a job.</summary>
    public static readonly TimeSpan QueuePollInterval = TimeSpan.FromMilliseconds(1);

    private SQLiteStorage? _storage;
    private BackgroundJobServer? _server;
    private BackgroundJobClient? _client;

    /// <inheritdoc/>
    public DurableContender Kind => DurableContender.Hangfire;

    /// <summary>Gets the settings, as the tables print them.</summary>
    /// <param name="workers">The server's workers.</param>
    public static string Settings(int workers) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"Hangfire.Storage.SQLite 0.4.3: {workers} workers, QueuePollInterval {QueuePollInterval.TotalMilliseconds} ms, InvisibilityTimeout {new SQLiteStorageOptions().InvisibilityTimeout.TotalMinutes} min (default), WAL, synchronous=NORMAL");

    /// <inheritdoc/>
    public Task StartAsync(string file)
    {
        var options = new SQLiteStorageOptions
        {
            QueuePollInterval = QueuePollInterval,
            JournalMode = SQLiteStorageOptions.JournalModes.WAL,
        };
        _storage = new SQLiteStorage(new SQLiteDbConnectionFactory(() => Open(file)), options);
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseNoOpLogProvider()
            .UseStorage(_storage);
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = workers,
                Queues = ["default"],
                SchedulePollingInterval = TimeSpan.FromSeconds(1),
            },
            _storage);
        _client = new BackgroundJobClient(_storage);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask EnqueueAsync(DurableJob job)
    {
        _ = job switch
        {
            DurableJob.Probe => _client!.Enqueue(() => HangfireDurableJobs.Probe()),
            DurableJob.UntilKilled => _client!.Enqueue(() => HangfireDurableJobs.UntilKilled(CancellationToken.None)),
            _ => _client!.Enqueue(() => HangfireDurableJobs.NoOp()),
        };
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync()
    {
        _server?.SendStop();
        _server?.Dispose();
        _server = null;
        _storage?.Dispose();
        _storage = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync();

    private static SQLite.SQLiteConnection Open(string file)
    {
        // The storage's own factory, plus the synchronous level it does not let us set.
        var connection = new SQLite.SQLiteConnection(
            file,
            SQLite.SQLiteOpenFlags.ReadWrite | SQLite.SQLiteOpenFlags.Create | SQLite.SQLiteOpenFlags.NoMutex,
            storeDateTimeAsTicks: true)
        {
            BusyTimeout = TimeSpan.FromSeconds(10),
        };
        connection.Execute(SqliteFiles.ConnectionPragmas);
        return connection;
    }
}
