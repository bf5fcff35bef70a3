using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// A durable <see cref="IJobStore"/> in PostgreSQL that many hosts share: every job, its status, progress, error,
/// result and (for typed jobs) serialized arguments, in a schema of its own. Each host claims due jobs from it under a
/// lease, and any host can follow, cancel or query any job. Finished jobs leave by the retention rules of
/// <see cref="PostgreSqlJobStoreOptions"/>; jobs that have not finished are always kept.
/// </summary>
/// <remarks>
/// <para><b>Opening.</b> The constructor connects, creates the schema and its tables or migrates them, and (unless
/// <see cref="PostgreSqlJobStoreOptions.PollOnly"/>) starts listening for other hosts' notifications; a database it
/// cannot reach, or a schema newer than this package, stops it with an <see cref="InvalidOperationException"/> that
/// names the server and the fix.</para>
/// <para><b>Writes.</b> A host's inserts, outcomes, progress and lease renewals go through one writer that runs all the
/// writes waiting in one round trip and one transaction, with the <c>NOTIFY</c> that tells other hosts; a write's task
/// completes once it is committed. Claims are one statement each (<c>FOR UPDATE SKIP LOCKED</c>); reads use pooled
/// connections and never wait for the writer.</para>
/// <para><b>Outages.</b> While the server is away (a restart), claims fail and the engine logs an error at each poll; writes
/// (enqueues, outcomes, progress, lease renewals) wait for it, up to <see cref="PostgreSqlJobStoreOptions.LeaseDuration"/>,
/// and commit once it is back; after that they fail with the driver's <see cref="NpgsqlException"/>, which names the
/// server. Writes are never run twice: one whose connection was lost after its commit was sent fails with that exception.</para>
/// <para><b>Results.</b> Strings, numbers, <see cref="bool"/>, <see cref="Guid"/>, dates, times and
/// <see cref="JsonElement"/> come back as the same type. Other results are kept as JSON when
/// <see cref="PostgreSqlJobStoreOptions.ResultSerializerOptions"/> knows their type (read back as a
/// <see cref="JsonElement"/>), or else as their <see cref="object.ToString"/> text.</para>
/// </remarks>
public sealed partial class PostgreSqlJobStore : IDurableJobStore, IJobStoreNotifications, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly BatchWriter _writer;
    private readonly Notifier _notifier;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly JsonSerializerOptions? _resultOptions;
    private readonly TransitionSql _transitions;
    private readonly string _jobs;
    private readonly string _hosts;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlJobStore"/> class: connects, and creates or migrates the schema.</summary>
    /// <param name="dataSource">The database. The store does not dispose it.</param>
    /// <param name="options">The schema, lease, notifications and retention rules; <see langword="null"/> for the defaults. The store reads them once, here.</param>
    /// <param name="timeProvider">The clock that ages finished jobs and schedules the clean-up; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">Where the store reports lost connections and clean-up failures; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The schema name is not a plain identifier.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="InvalidOperationException">The database cannot be reached or refused the login, or its schema is newer than this package.</exception>
    public PostgreSqlJobStore(NpgsqlDataSource dataSource, PostgreSqlJobStoreOptions? options = null, TimeProvider? timeProvider = null, ILogger<PostgreSqlJobStore>? logger = null)
        : this(dataSource, ownsDataSource: false, options ?? new PostgreSqlJobStoreOptions(), timeProvider, logger)
    {
    }

    internal PostgreSqlJobStore(NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlJobStoreOptions options, TimeProvider? timeProvider, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _clock = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _resultOptions = options.ResultSerializerOptions;
        LeaseDuration = options.LeaseDuration;
        Schema = options.Schema;
        var schema = PostgreSqlSchema.Quote(Schema);
        _jobs = schema + ".jobs";
        _hosts = schema + ".hosts";
        _transitions = new TransitionSql(_jobs);
        BuildStatements();
        try
        {
            using var connection = dataSource.OpenConnection();
            SchemaVersionFound = PostgreSqlSchema.Migrate(connection, Schema, _clock.GetUtcNow());
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            DisposeOwned();
            throw PostgreSqlStoreErrors.CannotOpen(dataSource, Schema, exception);
        }
        catch
        {
            DisposeOwned();
            throw;
        }

        _notifier = new Notifier(dataSource, Schema, listen: !options.PollOnly, _clock, _logger);
        _writer = new BatchWriter(dataSource, _notifier, _logger, _clock, LeaseDuration);
        StartRetention(options);
    }

    /// <inheritdoc/>
    event Action<string>? IJobStoreNotifications.JobsReady
    {
        add => _notifier.JobsReady += value;
        remove => _notifier.JobsReady -= value;
    }

    /// <inheritdoc/>
    event Action<JobId>? IJobStoreNotifications.JobChanged
    {
        add => _notifier.JobChanged += value;
        remove => _notifier.JobChanged -= value;
    }

    /// <inheritdoc/>
    /// <remarks>Raised after each claim with the queue's next due time, if any, that no other owner holds.</remarks>
    event Action<string, DateTimeOffset>? IJobStoreNotifications.JobsDue
    {
        add => _notifier.JobsDue += value;
        remove => _notifier.JobsDue -= value;
    }

    /// <inheritdoc/>
    bool IJobStoreNotifications.IsListening => _notifier.IsListening;

    /// <summary>Gets the schema that holds the store's tables.</summary>
    public string Schema { get; }

    /// <summary>Gets how long a claim or a renewal holds a job for its host.</summary>
    public TimeSpan LeaseDuration { get; }

    /// <summary>Gets the schema version the database had when this store opened it (0 for a new schema).</summary>
    internal int SchemaVersionFound { get; }

    /// <summary>Gets the notifications this store sends and hears.</summary>
    internal Notifier Notifier => _notifier;

    /// <summary>Gets the one writer: its batch count is smaller than its write count when writes were batched.</summary>
    internal BatchWriter Writer => _writer;

    /// <summary>Finishes the writes already queued, stops listening, then closes (and disposes the data source when the store made it).</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopRetentionAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _notifier.DisposeAsync().ConfigureAwait(false);
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Finishes the writes already queued, then closes; for containers and callers that dispose synchronously.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void DisposeOwned()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <summary>Reads whether a statement returned a row (it applied), consuming its rows.</summary>
    private static bool Applied(NpgsqlDataReader reader)
    {
        var applied = false;
        while (reader.Read())
        {
            applied = true;
        }

        return applied;
    }
}
