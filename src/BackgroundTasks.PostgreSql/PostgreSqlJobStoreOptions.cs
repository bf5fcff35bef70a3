using System.Text.Json;
using System.Text.RegularExpressions;

namespace BackgroundTasks.PostgreSql;

/// <summary>Where a <see cref="PostgreSqlJobStore"/> keeps its jobs, how it learns of other hosts' work, and how long finished jobs stay.</summary>
public sealed partial class PostgreSqlJobStoreOptions
{
    /// <summary>Gets or sets the database schema that holds the store's tables; the store creates it, and migrates its tables, when it opens.</summary>
    /// <value>Defaults to <c>backgroundtasks</c>. Must be a plain identifier: a letter or underscore, then letters, digits or underscores, at most 63 characters.</value>
    public string Schema { get; set; } = "backgroundtasks";

    /// <summary>Gets or sets how long a claimed job stays with its host without a renewal before another host may recover it.</summary>
    /// <value>
    /// Defaults to 6 seconds. Must be positive. A host renews its leases every third of this time, and looks for other
    /// hosts' expired leases as often: a dead host's jobs run again within about <c>LeaseDuration</c> + a third of it +
    /// <c>BackgroundJobsOptions.PollInterval</c> (9 seconds by default). It is also how long the store's writes (enqueues,
    /// outcomes) wait for a server that is away, a restart for example, before they fail.
    /// </value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Gets or sets a value indicating whether the store only polls, without a <c>LISTEN</c> connection: for a connection
    /// pooler in transaction mode (PgBouncer), where <c>LISTEN</c> does not work. Hosts then see other hosts' new jobs,
    /// cancellations and progress at their next poll (<c>BackgroundJobsOptions.PollInterval</c>) instead of at once.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>: each store keeps one connection that listens for other hosts' notifications.</value>
    public bool PollOnly { get; set; }

    /// <summary>Gets or sets how long a finished (succeeded, failed or cancelled) job is kept, counted by the store's clock from when it finished.</summary>
    /// <value>Defaults to 1 day. Must not be negative; <see cref="Timeout.InfiniteTimeSpan"/> keeps finished jobs by age forever.</value>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets how many finished jobs are kept at most; the oldest finished go first.</summary>
    /// <value>Defaults to 1,000,000. Must not be negative.</value>
    public int MaxFinishedJobs { get; set; } = 1_000_000;

    /// <summary>Gets or sets how often finished jobs are deleted by <see cref="RetentionPeriod"/> and <see cref="MaxFinishedJobs"/>.</summary>
    /// <value>Defaults to 1 minute. Must be positive; <see cref="Timeout.InfiniteTimeSpan"/> turns the automatic clean-up off.</value>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how many finished jobs one delete statement removes, so that a large clean-up never holds locks for long.</summary>
    /// <value>Defaults to 1,000. Must be from 1 to 100,000.</value>
    public int RetentionBatchSize { get; set; } = 1_000;

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

    /// <summary>Checks the options.</summary>
    internal void Validate()
    {
        if (string.IsNullOrEmpty(Schema) || !IdentifierPattern().IsMatch(Schema))
        {
            throw new ArgumentException($"PostgreSqlJobStoreOptions.Schema \"{Schema}\" is not a plain identifier: use a letter or underscore, then letters, digits or underscores (at most 63), such as \"backgroundtasks\".", nameof(Schema));
        }

        RequireRange(LeaseDuration > TimeSpan.Zero, nameof(LeaseDuration), LeaseDuration, "must be positive");
        RequireRange(RetentionPeriod >= TimeSpan.Zero || RetentionPeriod == Timeout.InfiniteTimeSpan, nameof(RetentionPeriod), RetentionPeriod, "must not be negative (Timeout.InfiniteTimeSpan keeps finished jobs by age forever)");
        RequireRange(MaxFinishedJobs >= 0, nameof(MaxFinishedJobs), MaxFinishedJobs, "must not be negative");
        RequireRange(RetentionInterval > TimeSpan.Zero || RetentionInterval == Timeout.InfiniteTimeSpan, nameof(RetentionInterval), RetentionInterval, "must be positive (Timeout.InfiniteTimeSpan turns the automatic clean-up off)");
        RequireRange(RetentionBatchSize is >= 1 and <= 100_000, nameof(RetentionBatchSize), RetentionBatchSize, "must be from 1 to 100,000");
    }

    private static void RequireRange(bool ok, string name, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"PostgreSqlJobStoreOptions.{name} {rule}.");
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}
