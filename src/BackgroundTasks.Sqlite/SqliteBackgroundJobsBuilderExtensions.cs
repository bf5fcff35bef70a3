using BackgroundTasks;
using BackgroundTasks.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores background jobs in SQLite.</summary>
public static class SqliteBackgroundJobsBuilderExtensions
{
    /// <summary>
    /// Stores jobs in a SQLite file (a <see cref="SqliteJobStore"/>, registered as the <see cref="IJobStore"/>
    /// singleton) instead of in memory. The file is opened, and its schema created or migrated, when the host
    /// starts; a file that cannot be used stops start-up with an exception that names it.
    /// </summary>
    /// <param name="builder">The builder from <c>AddBackgroundJobs</c>.</param>
    /// <param name="connectionString">The database: a connection string such as <c>Data Source=jobs.db</c>, or just a file path.</param>
    /// <param name="configure">Sets durability, retention, lease and busy timeout; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty, invalid, or names no file.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option set by <paramref name="configure"/> is out of its range.</exception>
    public static BackgroundJobsBuilder UseSqlite(this BackgroundJobsBuilder builder, string connectionString, Action<SqliteJobStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new SqliteJobStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        options.Validate();

        builder.UseStore(sp => new SqliteJobStore(options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<SqliteJobStore>>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteJobStoreOpener>());
        return builder;
    }
}
