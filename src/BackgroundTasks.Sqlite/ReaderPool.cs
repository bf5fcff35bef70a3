using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// Read connections, separate from the writer: in WAL mode readers never wait for the writer and each
/// statement sees the last committed state. A read rents an open connection and returns it; idle ones are
/// kept (up to <see cref="MaxIdle"/>) so a read costs no open.
/// </summary>
internal sealed class ReaderPool : IDisposable
{
    private const int MaxIdle = 16;

    private readonly ConcurrentBag<SqliteConnection> _idle = [];
    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly string _path;
    private volatile bool _disposed;

    public ReaderPool(string connectionString, TimeSpan busyTimeout, string path)
    {
        _connectionString = connectionString;
        _busyTimeout = busyTimeout;
        _path = path;
    }

    /// <exception cref="ObjectDisposedException">The store is disposed.</exception>
    public SqliteConnection Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteJobStore));
        if (_idle.TryTake(out var connection))
        {
            return connection;
        }

        connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            SqliteSchema.ConfigureReader(connection, _busyTimeout);
            return connection;
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw SqliteStoreErrors.CannotOpen(_path, exception);
        }
    }

    public void Return(SqliteConnection connection)
    {
        if (_disposed || _idle.Count >= MaxIdle)
        {
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
        if (_disposed)
        {
            Drain();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}
