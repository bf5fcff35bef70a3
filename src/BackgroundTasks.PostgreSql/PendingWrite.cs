using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// One write waiting for the <see cref="BatchWriter"/>: a single statement that returns rows (its answer), and what
/// other hosts should hear when it commits. Its task completes only after the batch that carried it committed.
/// </summary>
/// <param name="statement">The statement; it returns rows, so that its answer is read from its own result.</param>
/// <param name="bind">Binds its parameters.</param>
/// <param name="cancellationToken">Cancels the write while it waits for its batch.</param>
internal abstract class PendingWrite(PositionalStatement statement, Action<StatementParameters> bind, CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Gets the queue in which this write makes a job ready to claim: other hosts' claim loops are woken in the same transaction.</summary>
    public string? ReadyQueue { get; init; }

    /// <summary>Gets the job whose record this write changes: other hosts' waiters and watchers are woken in the same transaction.</summary>
    public JobId? Changed { get; init; }

    /// <summary>Gets a value indicating whether this process's own waiters are woken too (a change of a job that another host may run).</summary>
    public bool RaiseLocally { get; init; }

    /// <summary>Makes the write's statement for a batch (again, when a failed batch is retried write by write).</summary>
    public NpgsqlBatchCommand CreateCommand() => statement.CreateCommand(bind);

    /// <summary>Reads this write's rows (its statement's result) and keeps its answer until the commit.</summary>
    public abstract void Read(NpgsqlDataReader reader);

    /// <summary>
    /// Makes, once this write's rows were read, a query to run after the batch in the same transaction (to read back what
    /// triggers did); <see langword="null"/> for none, which is the rule: it costs a round trip.
    /// </summary>
    public virtual NpgsqlBatchCommand? CreateFollowUp() => null;

    /// <summary>Reads the rows of the query <see cref="CreateFollowUp"/> made.</summary>
    public virtual void ReadFollowUp(NpgsqlDataReader reader)
    {
    }

    /// <summary>Hands the kept answer to the caller: the batch committed.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception exception);
}
