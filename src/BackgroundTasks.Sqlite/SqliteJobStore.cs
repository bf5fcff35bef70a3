using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// A durable <see cref="IJobStore"/> in one SQLite file: every job, its status, progress, error, result and
/// (for typed jobs) serialized arguments survive a restart of the process. Finished jobs leave by the
/// retention rules of <see cref="SqliteJobStoreOptions"/>; jobs that have not finished are always kept.
/// </summary>
/// <remarks>
/// <para><b>Opening.</b> The constructor opens (or creates) the file, switches it to WAL and creates or
/// migrates the schema; a file with a newer schema, a file that is not a database, or a path this process
/// cannot write stops it with an <see cref="InvalidOperationException"/> that names the file and the fix.</para>
/// <para><b>Writes.</b> All writes go through one writer connection that commits everything waiting in one
/// transaction (group commit); a write's task completes only once it is committed. Reads use their own
/// connections and never wait for the writer. Several processes may share the file: each waits for the
/// others' transactions up to <see cref="SqliteJobStoreOptions.BusyTimeout"/>.</para>
/// <para><b>Durability.</b> With <see cref="SqliteSynchronousMode.Normal"/> everything committed survives a
/// crash of the process; <see cref="SqliteSynchronousMode.Full"/> also survives a power loss.</para>
/// <para><b>Results.</b> Strings, numbers, <see cref="bool"/>, <see cref="Guid"/>, dates, times and
/// <see cref="JsonElement"/> come back as the same type. Other results are kept as JSON when
/// <see cref="SqliteJobStoreOptions.ResultSerializerOptions"/> knows their type (read back as a
/// <see cref="JsonElement"/>), or else as their <see cref="object.ToString"/> text.</para>
/// </remarks>
public sealed partial class SqliteJobStore : IDurableJobStore, IAsyncDisposable, IDisposable
{
    private readonly GroupCommitWriter _writer;
    private readonly ReaderPool _readers;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly JsonSerializerOptions? _resultOptions;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="SqliteJobStore"/> class: opens the file, creating or migrating its schema.</summary>
    /// <param name="options">The file, the durability and the retention rules. The store reads them once, here.</param>
    /// <param name="timeProvider">The clock that ages finished jobs and schedules the clean-up; <see langword="null"/> for the system clock.</param>
    /// <param name="logger">Where the clean-up reports failures; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The connection string is empty, invalid or names no file.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="InvalidOperationException">The file cannot be opened, created or written, is not a SQLite database, or has a schema newer than this package.</exception>
    public SqliteJobStore(SqliteJobStoreOptions options, TimeProvider? timeProvider = null, ILogger<SqliteJobStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = options.Validate();
        _clock = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _resultOptions = options.ResultSerializerOptions;
        LeaseDuration = options.LeaseDuration;
        FilePath = Path.GetFullPath(builder.DataSource);

        builder.Pooling = false;
        builder.DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            SqliteSchema.ConfigureWriter(connection, FilePath, options.Synchronous, options.BusyTimeout);
            SchemaVersionFound = SqliteSchema.Migrate(connection, FilePath, _clock.GetUtcNow());
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw SqliteStoreErrors.CannotOpen(FilePath, exception);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        if (builder.Mode == SqliteOpenMode.ReadWriteCreate)
        {
            builder.Mode = SqliteOpenMode.ReadWrite;
        }

        _readers = new ReaderPool(builder.ToString(), options.BusyTimeout, FilePath);
        _writer = new GroupCommitWriter(connection, FilePath);
        StartRetention(options);
    }

    /// <summary>Gets the full path of the database file.</summary>
    internal string FilePath { get; }

    /// <summary>Gets the schema version the file had when this store opened it (0 for a new file).</summary>
    internal int SchemaVersionFound { get; }

    /// <summary>Gets the lease a claim gives when the engine asks for the default.</summary>
    internal TimeSpan LeaseDuration { get; }

    /// <summary>Gets how many transactions the writer committed: group commit makes it smaller than <see cref="WriteCount"/>.</summary>
    internal long TransactionCount => _writer.TransactionCount;

    /// <summary>Gets how many writes the writer committed.</summary>
    internal long WriteCount => _writer.WriteCount;

    /// <summary>Gets the store's one writer (for tests that hold it).</summary>
    internal GroupCommitWriter Writer => _writer;

    /// <summary>Finishes the writes already queued, then closes the file.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopRetentionAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        _readers.Dispose();
    }

    /// <summary>Finishes the writes already queued, then closes the file; for containers and callers that dispose synchronously.</summary>
    /// <exception cref="InvalidOperationException">Called from code that runs on the store's writer (the continuation of a claim), which would wait for itself.</exception>
    public void Dispose()
    {
        if (_writer.IsWriterThread)
        {
            throw new InvalidOperationException($"The job store on '{FilePath}' cannot be disposed synchronously from the continuation of its own claim, which runs on the store's writer and would wait for itself. Use DisposeAsync, or dispose it from another thread.");
        }

        DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
