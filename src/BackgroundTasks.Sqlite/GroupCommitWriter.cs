using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// The store's only writer: one connection, fed by a channel. Each turn takes every write that is waiting
/// (up to <see cref="MaxBatch"/>) and runs them in ONE <c>BEGIN IMMEDIATE</c> transaction (group commit),
/// then completes each caller with its own result. A write that throws (a duplicate id) is rolled back alone
/// and the rest of the batch still commits: the batch then runs again with a savepoint around each write.
/// </summary>
/// <remarks>
/// One writer means this process never competes with itself for SQLite's write lock, so "database is
/// locked" cannot come from inside the process; another process on the same file waits for the lock
/// (busy timeout) because every batch begins IMMEDIATE. Commands are prepared once per SQL text and
/// reused; they are only touched from the writer's loop.
/// </remarks>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    /// <summary>The most writes one transaction takes, so that one commit never holds the lock for long.</summary>
    public const int MaxBatch = 4096;

    private readonly SqliteConnection _connection;
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly List<WriteOperation> _batch = [];
    private readonly string _path;
    private readonly Task _loop;
    private long _transactions;
    private long _writes;
    private int _publishingThread;

    public GroupCommitWriter(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Gets how many transactions the writer committed.</summary>
    public long TransactionCount => Interlocked.Read(ref _transactions);

    /// <summary>Gets how many writes the writer committed.</summary>
    public long WriteCount => Interlocked.Read(ref _writes);

    /// <summary>Gets whether the calling code runs on the writer's thread, as the continuation of an inline write: it must not wait for the writer.</summary>
    public bool IsWriterThread => Volatile.Read(ref _publishingThread) == Environment.CurrentManagedThreadId;

    /// <summary>Queues a write and returns a task that completes once it is committed.</summary>
    /// <param name="work">The write, run on the writer's connection inside the batch's transaction.</param>
    /// <param name="cancellationToken">Cancels the write while it waits for the writer.</param>
    /// <param name="inline">
    /// Whether the caller's continuation runs on the writer's thread, right after the commit, instead of on the thread
    /// pool. Only for the engine's own short continuations that never block (the claim loop, which puts the claimed jobs
    /// in their lanes and waits again): a claimed job then reaches its worker one thread hop sooner, which made durable
    /// no-op jobs with two workers 20 % faster end to end (8,652 against 7,157 jobs/s, four alternated runs). Never for a
    /// caller's own code, which would hold up every write behind it.
    /// </param>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<T> WriteAsync<T>(Func<GroupCommitWriter, T> work, CancellationToken cancellationToken, bool inline = false)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var operation = new WriteOperation<T>(work, inline, cancellationToken);
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new ObjectDisposedException(nameof(SqliteJobStore), $"The job store on '{_path}' is disposed.");
        }

        return operation.Task;
    }

    /// <summary>Gets the writer's prepared command for <paramref name="sql"/>, made on first use. Only for use inside a write.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_batch.Count < MaxBatch && reader.TryRead(out var operation))
            {
                if (operation.TryTake())
                {
                    _batch.Add(operation);
                }
            }

            if (_batch.Count > 0)
            {
                CommitBatch();
                _batch.Clear();
            }
        }
    }

#pragma warning disable CA1031 // A failed batch fails its callers; the writer itself must keep running.
    private void CommitBatch()
    {
        // A savepoint around each write costs two statements per write, about a quarter of the writer's time with small
        // jobs. So a batch first runs without them; only when one of its writes throws is the transaction rolled back and
        // the batch run again with a savepoint around each write, which undoes the failing write alone. A write reads and
        // changes the database and nothing else, so running it again after the rollback is safe.
        var outcome = RunBatch(savepoints: false);
        if (outcome == BatchOutcome.WriteFailed)
        {
            outcome = RunBatch(savepoints: true);
        }

        if (outcome != BatchOutcome.Committed)
        {
            return;
        }

        Interlocked.Increment(ref _transactions);
        Interlocked.Add(ref _writes, _batch.Count);
        Volatile.Write(ref _publishingThread, Environment.CurrentManagedThreadId);
        try
        {
            foreach (var operation in _batch)
            {
                operation.Publish();
            }
        }
        finally
        {
            Volatile.Write(ref _publishingThread, 0);
        }
    }

    private BatchOutcome RunBatch(bool savepoints)
    {
        try
        {
            Execute("BEGIN IMMEDIATE");
        }
        catch (Exception exception)
        {
            FailBatch(exception);
            return BatchOutcome.Failed;
        }

        try
        {
            foreach (var operation in _batch)
            {
                if (savepoints)
                {
                    Execute("SAVEPOINT bt_write");
                }

                try
                {
                    operation.Execute(this);
                }
                catch (Exception) when (!savepoints)
                {
                    Execute("ROLLBACK");
                    return BatchOutcome.WriteFailed;
                }
                catch (Exception)
                {
                    // The write's own exception goes to its caller; its changes, and only its, are undone.
                    Execute("ROLLBACK TO bt_write");
                }

                if (savepoints)
                {
                    Execute("RELEASE bt_write");
                }
            }

            Execute("COMMIT");
            return BatchOutcome.Committed;
        }
        catch (Exception exception)
        {
            // The transaction itself failed (I/O, disk full, a lost lock): nothing of the batch is committed.
            TryRollback();
            FailBatch(exception);
            return BatchOutcome.Failed;
        }
    }

    private void TryRollback()
    {
        try
        {
            if (!_connection.State.HasFlag(System.Data.ConnectionState.Open))
            {
                return;
            }

            Execute("ROLLBACK");
        }
        catch (Exception)
        {
            // SQLite already rolled the transaction back.
        }
    }
#pragma warning restore CA1031

    private void FailBatch(Exception exception)
    {
        foreach (var operation in _batch)
        {
            operation.Fail(exception);
        }
    }

    private void Execute(string sql) => Command(sql).ExecuteNonQuery();

    private enum BatchOutcome
    {
        /// <summary>Committed: every write has its result or its own exception.</summary>
        Committed,

        /// <summary>Run without savepoints, a write threw: the transaction was rolled back, to be run again with them.</summary>
        WriteFailed,

        /// <summary>The transaction failed: its callers were failed with its exception.</summary>
        Failed,
    }
}
