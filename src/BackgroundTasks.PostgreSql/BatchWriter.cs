using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// The host's one writer of job changes: it drains every write waiting (inserts, outcomes, progress, lease renewals)
/// and runs them in one round trip (an <see cref="NpgsqlBatch"/>) inside one transaction, with the notifications
/// that tell other hosts about them, then answers each caller with its own rows. When a batch fails on a statement,
/// its writes are run again one by one, so that one bad write fails alone. When its connection is lost before the commit
/// (nothing was written), it runs again on a new connection; while the server is away (a restart) it waits for it, up to
/// the store's lease duration, before its writes fail with the driver's exception.
/// </summary>
/// <remarks>Batching took River from ~10k to ~46k jobs/s and Graphile Worker from ~15.6k to ~184k (research/durable-queues.md §A.2).</remarks>
internal sealed class BatchWriter : IAsyncDisposable
{
    /// <summary>The most writes one batch carries.</summary>
    public const int MaxBatch = 1000;

    /// <summary>How many times a batch runs at once, without waiting, when its connection turns out to be dead before its commit (a pooled connection the server dropped).</summary>
    private const int ImmediateAttempts = 2;

    private static readonly TimeSpan s_firstWait = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_longestWait = TimeSpan.FromSeconds(1);

    // The writes in arrival order; an urgent write is queued apart and announced here by a null.
    private readonly Channel<PendingWrite?> _pending = Channel.CreateUnbounded<PendingWrite?>(new UnboundedChannelOptions { SingleReader = true });

    // Lease renewals go first: behind a backlog of inserts and outcomes, a renewal written late lets other hosts recover jobs that still run here.
    private readonly System.Collections.Concurrent.ConcurrentQueue<PendingWrite> _urgent = new();
    private readonly NpgsqlDataSource _dataSource;
    private readonly Notifier _notifier;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _waitForServer;
    private readonly Task _loop;
    private long _batches;

    // Whether the running batch sent its commit: after that, a lost connection leaves its outcome unknown, and it is not run again.
    private bool _commitSent;
    private long _writes;

    /// <param name="dataSource">The database.</param>
    /// <param name="notifier">Adds the notifications of each batch.</param>
    /// <param name="logger">Where lost connections are reported.</param>
    /// <param name="clock">The clock of the waits for a server that is away.</param>
    /// <param name="waitForServer">How long a batch waits for a server that is away before its writes fail: the lease duration, past which other hosts may recover this host's jobs anyway.</param>
    public BatchWriter(NpgsqlDataSource dataSource, Notifier notifier, ILogger logger, TimeProvider clock, TimeSpan waitForServer)
    {
        _dataSource = dataSource;
        _notifier = notifier;
        _logger = logger;
        _clock = clock;
        _waitForServer = waitForServer;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Gets how many transactions the writer committed: batching makes it smaller than <see cref="WriteCount"/>.</summary>
    public long BatchCount => Interlocked.Read(ref _batches);

    /// <summary>Gets how many writes the writer committed.</summary>
    public long WriteCount => Interlocked.Read(ref _writes);

    /// <summary>Queues a write; its task completes once its batch committed.</summary>
    /// <param name="write">The write.</param>
    /// <param name="urgent">Whether the write goes into the next batch ahead of the writes waiting (lease renewals).</param>
    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public Task<T> WriteAsync<T>(PendingWrite<T> write, bool urgent = false)
    {
        if (urgent)
        {
            _urgent.Enqueue(write);
        }

        if (!_pending.Writer.TryWrite(urgent ? null : write))
        {
            if (urgent)
            {
                write.Fail(new ObjectDisposedException(nameof(PostgreSqlJobStore), "The PostgreSQL job store is disposed: no more writes are accepted."));
                return write.Task;
            }

            throw new ObjectDisposedException(nameof(PostgreSqlJobStore), "The PostgreSQL job store is disposed: no more writes are accepted.");
        }

        return write.Task;
    }

    /// <summary>Finishes the writes already queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && (_urgent.TryDequeue(out var write) || _pending.Reader.TryRead(out write)))
            {
                if (write is null)
                {
                    // The mark of an urgent write, taken already (or taken by the next turn).
                    continue;
                }

                if (write.CancellationToken.IsCancellationRequested)
                {
                    write.Fail(new OperationCanceledException(write.CancellationToken));
                }
                else
                {
                    batch.Add(write);
                }
            }

            if (batch.Count > 0)
            {
                await RunBatchAsync(batch).ConfigureAwait(false);
            }
        }
    }

#pragma warning disable CA1031 // Whatever a batch throws goes to its callers; the writer goes on with the next batch.
    private async Task RunBatchAsync(List<PendingWrite> batch)
    {
        var started = _clock.GetTimestamp();
        var wait = s_firstWait;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(batch).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (IsBrokenConnection(exception) && !_commitSent
                && (attempt < ImmediateAttempts || _clock.GetElapsedTime(started) < _waitForServer))
            {
                // A pooled connection died (the server restarted, or an administrator ended it) before the commit was
                // sent, so nothing was written: drop the pool's other dead connections and run the batch again, at once
                // and then, while the server is away, after waits that double up to a second.
                _logger.WriterReconnecting(attempt, exception);
                _dataSource.Clear();
                if (attempt >= ImmediateAttempts)
                {
                    await Task.Delay(wait, _clock).ConfigureAwait(false);
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, s_longestWait.Ticks));
                }
            }
            catch (PostgresException exception) when (batch.Count > 1 && !IsConnectionLevel(exception))
            {
                // One statement failed and took the transaction with it: run each write alone, so only that one fails.
                _logger.BatchRetriedAlone(batch.Count, exception);
                break;
            }
            catch (Exception exception)
            {
                foreach (var write in batch)
                {
                    write.Fail(exception);
                }

                return;
            }
        }

        foreach (var write in batch)
        {
            try
            {
                await ExecuteAsync([write]).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                write.Fail(exception);
            }
        }
    }
#pragma warning restore CA1031

    private async Task ExecuteAsync(List<PendingWrite> writes)
    {
        _commitSent = false;
        var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var batch = new NpgsqlBatch(connection, transaction);
                await using (batch.ConfigureAwait(false))
                {
                    foreach (var write in writes)
                    {
                        batch.BatchCommands.Add(write.CreateCommand());
                    }

                    // The notifications go last, in the same transaction: other hosts hear of the writes when they commit.
                    _notifier.AddNotifications(batch, writes);

                    var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        for (var i = 0; i < writes.Count; i++)
                        {
                            writes[i].Read(reader);
                            await reader.NextResultAsync().ConfigureAwait(false);
                        }
                    }
                }

                _commitSent = true;
                await transaction.CommitAsync().ConfigureAwait(false);
            }
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _writes, writes.Count);
        _notifier.RaiseLocal(writes);
        foreach (var write in writes)
        {
            write.Complete();
        }
    }

    private static bool IsBrokenConnection(Exception exception)
        => exception is NpgsqlException npgsql && (npgsql is not PostgresException postgres || IsConnectionLevel(postgres));

    // A lost connection or a server going down fails every write alike; running them one by one would not help.
    private static bool IsConnectionLevel(PostgresException exception)
        => exception.SqlState.StartsWith("08", StringComparison.Ordinal) || exception.SqlState.StartsWith("57", StringComparison.Ordinal);
}
