using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// A Microsoft.Data.Sqlite connection that runs <see cref="SqliteFiles.ConnectionPragmas"/> each time it opens:
/// the way to give Quartz.NET, which opens its own connections, <c>synchronous = NORMAL</c> like the others.
/// </summary>
public sealed class NormalSyncSqliteConnection : SqliteConnection
{
    /// <summary>Creates a closed connection.</summary>
    public NormalSyncSqliteConnection()
    {
    }

    /// <inheritdoc/>
    public override void Open()
    {
        base.Open();
        using var command = CreateCommand();
        command.CommandText = SqliteFiles.ConnectionPragmas;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public override Task OpenAsync(CancellationToken cancellationToken)
    {
        Open();
        return Task.CompletedTask;
    }
}
