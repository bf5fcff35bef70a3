using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The three writes of a durable job, as a ceiling loop runs them on one connection with prepared statements and
/// nothing else (no workers, no wake-ups): an insert, a claim that returns what the completion needs, and the
/// completion. Transactions are plain <c>BEGIN IMMEDIATE</c> and <c>COMMIT</c> statements, as the store's writer runs them.
/// </summary>
/// <typeparam name="TClaimed">What a claim returns and the completion takes.</typeparam>
public abstract class CeilingWrites<TClaimed> : IDisposable
{
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;

    /// <summary>Opens <paramref name="file"/> in WAL mode with <c>synchronous = NORMAL</c>, as every contender has it.</summary>
    protected CeilingWrites(string file)
    {
        SqliteFiles.CreateInWalMode(file);
        Connection = new NormalSyncSqliteConnection { ConnectionString = SqliteFiles.ConnectionString(file) };
        Connection.Open();
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
    }

    /// <summary>Gets the loop's one connection.</summary>
    protected SqliteConnection Connection { get; }

    /// <summary>Inserts one queued job.</summary>
    public abstract void Insert();

    /// <summary>Claims the next queued job.</summary>
    public abstract TClaimed Claim();

    /// <summary>Claims the next <paramref name="count"/> queued jobs in one claim.</summary>
    public abstract List<TClaimed> ClaimMany(int count);

    /// <summary>Records the claimed job as succeeded.</summary>
    public abstract void Complete(TClaimed claimed);

    /// <summary>Begins a transaction.</summary>
    public void Begin() => _begin.ExecuteNonQuery();

    /// <summary>Commits the transaction.</summary>
    public void Commit() => _commit.ExecuteNonQuery();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates a command for <paramref name="sql"/>; its prepared statement is released when the connection closes.</summary>
    protected SqliteCommand Prepare(string sql)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Closes the connection.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Connection.Dispose();
        }
    }
}
