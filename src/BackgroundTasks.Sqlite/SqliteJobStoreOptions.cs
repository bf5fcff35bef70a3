using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>Where a <see cref="SqliteJobStore"/> keeps its jobs, how durable each commit is, and how long finished jobs stay.</summary>
public sealed class SqliteJobStoreOptions
{
    /// <summary>
    /// Gets or sets the database: a SQLite connection string such as <c>Data Source=jobs.db</c>, or just a
    /// file path (any text without <c>=</c>). The file is created, with its schema, when it does not exist.
    /// </summary>
    /// <value>No default; required. An in-memory database (<c>:memory:</c>, <c>Mode=Memory</c>) is refused: the store needs a file.</value>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets or sets what a commit survives.</summary>
    /// <value>
    /// Defaults to <see cref="SqliteSynchronousMode.Normal"/>: every committed job survives a crash or kill of
    /// the process; a power loss may lose the last commits. <see cref="SqliteSynchronousMode.Full"/> survives
    /// a power loss too, at the cost of a disk sync per transaction.
    /// </value>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Normal;

    /// <summary>Gets or sets how long a finished (succeeded, failed or cancelled) job is kept, counted by the store's clock from when it finished.</summary>
    /// <value>Defaults to 1 day. Must not be negative; <see cref="Timeout.InfiniteTimeSpan"/> keeps finished jobs by age forever.</value>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets how many finished jobs are kept at most; the oldest finished go first.</summary>
    /// <value>Defaults to 100,000. Must not be negative.</value>
    public int MaxFinishedJobs { get; set; } = 100_000;

    /// <summary>Gets or sets how often finished jobs are deleted by <see cref="RetentionPeriod"/> and <see cref="MaxFinishedJobs"/>.</summary>
    /// <value>Defaults to 1 minute. Must be positive; <see cref="Timeout.InfiniteTimeSpan"/> turns the automatic clean-up off.</value>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how many finished jobs one delete statement removes, so that a large clean-up never holds the writer for long.</summary>
    /// <value>Defaults to 500. Must be from 1 to 100,000.</value>
    public int RetentionBatchSize { get; set; } = 500;

    /// <summary>Gets or sets how long a claimed job stays with its host without a renewal before another host may recover it.</summary>
    /// <value>
    /// Defaults to 5 seconds. Must be positive. A host renews its leases every third of this time while its jobs
    /// run, and looks for other hosts' expired leases as often: a host that shares the file with one that died
    /// runs the dead host's jobs again within about <c>LeaseDuration</c> + a third of it +
    /// <c>BackgroundJobsOptions.PollInterval</c> (under 8 seconds by default). A host that cannot write to the file
    /// for longer than this (a stalled process, a database held by another process) loses its jobs to other hosts.
    /// </value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a write or read waits for another process that holds the database before it fails.</summary>
    /// <value>Defaults to 30 seconds. Must be from 1 millisecond to 1 hour.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the JSON options that serialize job results of types other than strings and primitives
    /// (for example a source-generated context's options, which works with trimming and native AOT).
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: such results are kept as their <see cref="object.ToString"/> text.
    /// Strings, numbers, <see cref="bool"/>, <see cref="Guid"/>, dates, times and <see cref="JsonElement"/> always
    /// round-trip to the same type; a result serialized with these options comes back as a <see cref="JsonElement"/>.
    /// </value>
    public JsonSerializerOptions? ResultSerializerOptions { get; set; }

    /// <summary>Checks the options and returns the connection string the store opens.</summary>
    internal SqliteConnectionStringBuilder Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("SqliteJobStoreOptions.ConnectionString is empty: give a file path such as \"jobs.db\" or a connection string such as \"Data Source=jobs.db\".", nameof(ConnectionString));
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = ConnectionString.Contains('=', StringComparison.Ordinal)
                ? new SqliteConnectionStringBuilder(ConnectionString)
                : new SqliteConnectionStringBuilder { DataSource = ConnectionString };
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"SqliteJobStoreOptions.ConnectionString \"{ConnectionString}\" is not a valid SQLite connection string ({exception.Message}); use \"Data Source=path/to/jobs.db\" or just the file path.", nameof(ConnectionString), exception);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException($"SqliteJobStoreOptions.ConnectionString \"{ConnectionString}\" names no database file: the job store keeps jobs in a file, so give a file path (for tests, a temporary file).", nameof(ConnectionString));
        }

        RequireRange(RetentionPeriod >= TimeSpan.Zero || RetentionPeriod == Timeout.InfiniteTimeSpan, nameof(RetentionPeriod), RetentionPeriod, "must not be negative (Timeout.InfiniteTimeSpan keeps finished jobs by age forever)");
        RequireRange(MaxFinishedJobs >= 0, nameof(MaxFinishedJobs), MaxFinishedJobs, "must not be negative");
        RequireRange(RetentionInterval > TimeSpan.Zero || RetentionInterval == Timeout.InfiniteTimeSpan, nameof(RetentionInterval), RetentionInterval, "must be positive (Timeout.InfiniteTimeSpan turns the automatic clean-up off)");
        RequireRange(RetentionBatchSize is >= 1 and <= 100_000, nameof(RetentionBatchSize), RetentionBatchSize, "must be from 1 to 100,000");
        RequireRange(LeaseDuration > TimeSpan.Zero, nameof(LeaseDuration), LeaseDuration, "must be positive");
        RequireRange(BusyTimeout >= TimeSpan.FromMilliseconds(1) && BusyTimeout <= TimeSpan.FromHours(1), nameof(BusyTimeout), BusyTimeout, "must be from 1 millisecond to 1 hour");
        if (!Enum.IsDefined(Synchronous))
        {
            throw new ArgumentOutOfRangeException(nameof(Synchronous), Synchronous, "SqliteJobStoreOptions.Synchronous must be Normal or Full.");
        }

        return builder;
    }

    private static void RequireRange(bool ok, string name, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"SqliteJobStoreOptions.{name} {rule}.");
        }
    }
}
