using System.Text.Json;
using BackgroundTasks.Sqlite;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The ceiling's writes: BackgroundTasks.Sqlite's own, on the table and indexes the store creates, with the store's
/// statements and parameters. An insert of the row the engine adds for a typed no-op job; a claim (the store's two
/// statements: due scheduled jobs to queued, then the queued jobs with the highest priority, earliest due time and
/// smallest id to running for an owner, with a lease and the next attempt, returning the rows, read into records;
/// one job per claim, or many in one claim); a completion (the owner- and attempt-checked update to succeeded, and
/// the look-up of continuations waiting for the job).
/// </summary>
public sealed class StoreCeilingWrites : CeilingWrites<JobRecord>
{
    private const string Queue = BackgroundJobsOptions.DefaultQueueName;
    private const string Owner = "ceiling";
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(5);

    private readonly string _arguments = JsonSerializer.Serialize(new NoOpArgs(DurableJob.NoOp), DurableJsonContext.Default.NoOpArgs);
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _promote;
    private readonly Dictionary<int, SqliteCommand> _claimMany = [];
    private readonly SqliteCommand _complete;
    private readonly SqliteCommand _continuations;

    private StoreCeilingWrites(string file)
        : base(file)
    {
        _insert = Prepare(JobRows.InsertSql);
        _promote = Prepare(SqliteJobStore.PromoteSqlFor(SqliteJobStore.PromoteBatch));
        _complete = Prepare(TransitionSql.For(JobStatus.Succeeded, hasError: false, ownerChecked: true)!);
        _continuations = Prepare(SqliteJobStore.WaitingContinuationsSql);
    }

    /// <summary>Lets the store create its schema in <paramref name="file"/>, then opens the loop's connection on it.</summary>
    public static async Task<StoreCeilingWrites> OpenAsync(string file)
    {
        var options = new SqliteJobStoreOptions { ConnectionString = SqliteFiles.ConnectionString(file), RetentionInterval = Timeout.InfiniteTimeSpan };
        await new SqliteJobStore(options).DisposeAsync();
        return new StoreCeilingWrites(file);
    }

    /// <inheritdoc/>
    public override void Insert()
    {
        var job = new JobRecord
        {
            Id = JobId.NewId(),
            Name = "noop",
            Queue = Queue,
            Status = JobStatus.Queued,
            EnqueuedAt = DateTimeOffset.UtcNow,
            Arguments = _arguments,
        };
        _insert.Parameters.Clear();
        JobRows.AddInsertParameters(_insert.Parameters, job, resultOptions: null);
        _insert.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public override JobRecord Claim() => ClaimMany(1)[0];

    /// <summary>Claims up to <paramref name="count"/> queued jobs in one claim, the store's statement for that many.</summary>
    public override List<JobRecord> ClaimMany(int count)
    {
        if (!_claimMany.TryGetValue(count, out var claim))
        {
            _claimMany.Add(count, claim = Prepare(SqliteJobStore.ClaimSqlFor(count)));
        }

        _promote.Parameters.Clear();
        claim.Parameters.Clear();
        SqliteJobStore.AddClaimParameters(_promote.Parameters, claim.Parameters, Queue, Owner, DateTimeOffset.UtcNow, s_lease);
        _promote.ExecuteNonQuery();
        var claimed = new List<JobRecord>(count);
        using var reader = claim.ExecuteReader();
        while (reader.Read())
        {
            claimed.Add(JobRows.Read(reader));
        }

        return claimed.Count == count ? claimed : throw new InvalidOperationException($"The claim found {claimed.Count} queued jobs, not {count}.");
    }

    /// <inheritdoc/>
    public override void Complete(JobRecord claimed)
    {
        var key = claimed.Id.ToString();
        var now = DateTimeOffset.UtcNow;
        _complete.Parameters.Clear();
        TransitionSql.AddParameters(_complete.Parameters, key, new JobTransition(JobStatus.Succeeded, claimed.Attempt, now), result: default, Owner, now);
        if (_complete.ExecuteNonQuery() != 1)
        {
            throw new InvalidOperationException($"Job {key} was not running for the loop when it completed it.");
        }

        _continuations.Parameters.Clear();
        _continuations.Parameters.AddWithValue("$parent", key);
        using var reader = _continuations.ExecuteReader();
        if (reader.Read())
        {
            throw new InvalidOperationException($"Job {key} has a continuation, which the loop never adds.");
        }
    }
}
