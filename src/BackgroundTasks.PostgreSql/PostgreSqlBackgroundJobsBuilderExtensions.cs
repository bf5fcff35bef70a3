using BackgroundTasks;
using BackgroundTasks.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores background jobs in PostgreSQL, shared by every host that uses the same database and schema.</summary>
public static class PostgreSqlBackgroundJobsBuilderExtensions
{
    /// <summary>
    /// Stores jobs in PostgreSQL (a <see cref="PostgreSqlJobStore"/>, registered as the <see cref="IJobStore"/> singleton)
    /// instead of in memory: every host with the same connection and schema shares the queues, records and progress.
    /// The store connects, and creates or migrates its schema, when the host starts; a database it cannot use stops
    /// start-up with an exception that names the server and the fix.
    /// </summary>
    /// <param name="builder">The builder from <c>AddBackgroundJobs</c>.</param>
    /// <param name="connectionString">
    /// An Npgsql connection string, such as <c>Host=db;Database=app;Username=app;Password=…</c>. Unless it sets
    /// <c>Max Auto Prepare</c>, the store's connections prepare its statements (<c>Max Auto Prepare=64</c>); behind a pooler
    /// in transaction mode that does not keep prepared statements (PgBouncer before 1.21), add <c>Max Auto Prepare=0</c>.
    /// </param>
    /// <param name="configure">Sets the schema, lease, poll-only mode and retention; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid connection string, or the schema name is not a plain identifier.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option set by <paramref name="configure"/> is out of its range.</exception>
    public static BackgroundJobsBuilder UseNpgsql(this BackgroundJobsBuilder builder, string connectionString, Action<PostgreSqlJobStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder connection;
        try
        {
            connection = StoreConnectionString.Create(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"The connection string given to UseNpgsql is not a valid Npgsql connection string ({exception.Message}); use the form \"Host=localhost;Database=app;Username=app;Password=…\".", nameof(connectionString), exception);
        }

        var options = Configure(configure);
        builder.UseStore(sp => new PostgreSqlJobStore(NpgsqlDataSource.Create(connection.ConnectionString), ownsDataSource: true, options, sp.GetService<TimeProvider>(), sp.GetService<ILogger<PostgreSqlJobStore>>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlJobStoreOpener>());
        return builder;
    }

    /// <summary>
    /// Stores jobs in PostgreSQL through the <see cref="NpgsqlDataSource"/> registered in the container (for example by
    /// <c>AddNpgsqlDataSource</c>), like <see cref="UseNpgsql(BackgroundJobsBuilder, string, Action{PostgreSqlJobStoreOptions}?)"/>.
    /// The store does not dispose the data source.
    /// </summary>
    /// <param name="builder">The builder from <c>AddBackgroundJobs</c>.</param>
    /// <param name="configure">Sets the schema, lease, poll-only mode and retention; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The schema name is not a plain identifier.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option set by <paramref name="configure"/> is out of its range.</exception>
    public static BackgroundJobsBuilder UseNpgsql(this BackgroundJobsBuilder builder, Action<PostgreSqlJobStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Configure(configure);
        builder.UseStore(sp => new PostgreSqlJobStore(
            sp.GetService<NpgsqlDataSource>() ?? throw new InvalidOperationException("UseNpgsql() without a connection string takes the NpgsqlDataSource registered in the container, and none is: register one (AddNpgsqlDataSource, or AddSingleton(NpgsqlDataSource.Create(...))), or call UseNpgsql(connectionString)."),
            ownsDataSource: false,
            options,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<PostgreSqlJobStore>>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlJobStoreOpener>());
        return builder;
    }

    private static PostgreSqlJobStoreOptions Configure(Action<PostgreSqlJobStoreOptions>? configure)
    {
        var options = new PostgreSqlJobStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        return options;
    }
}
