using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>Microsoft.Data.Sqlite's provider factory, except that its connections are <see cref="NormalSyncSqliteConnection"/>s.</summary>
public sealed class NormalSyncSqliteFactory : DbProviderFactory
{
    /// <summary>Gets the one instance.</summary>
    public static NormalSyncSqliteFactory Instance { get; } = new();

    private NormalSyncSqliteFactory()
    {
    }

    /// <inheritdoc/>
    public override DbConnection CreateConnection() => new NormalSyncSqliteConnection();

    /// <inheritdoc/>
    public override DbCommand CreateCommand() => SqliteFactory.Instance.CreateCommand();

    /// <inheritdoc/>
    public override DbParameter CreateParameter() => SqliteFactory.Instance.CreateParameter();

    /// <inheritdoc/>
    public override DbConnectionStringBuilder CreateConnectionStringBuilder() => SqliteFactory.Instance.CreateConnectionStringBuilder();
}
