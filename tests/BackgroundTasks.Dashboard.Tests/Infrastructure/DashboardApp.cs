using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using BackgroundTasks.PostgreSql;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Dashboard.Tests;

/// <summary>
/// An ASP.NET Core app with background jobs (in memory, in a temporary SQLite file or in a schema of its own on the test
/// PostgreSQL server, dropped at the end), the test jobs, and the
/// dashboard at /jobs, on a test server or on real Kestrel at 127.0.0.1.
/// </summary>
public sealed class DashboardApp : IAsyncDisposable
{
    private readonly DirectoryInfo? _directory;
    private readonly string? _schema;

    private DashboardApp(WebApplication app, DirectoryInfo? directory, string? schema, Uri address)
    {
        App = app;
        _directory = directory;
        _schema = schema;
        Address = address;
    }

    public WebApplication App { get; }

    /// <summary>Gets the app's address: the Kestrel one, or the test server's.</summary>
    public Uri Address { get; }

    public IJobQueue Queue => App.Services.GetRequiredService<IJobQueue>();

    public IJobMonitor Monitor => App.Services.GetRequiredService<IJobMonitor>();

    public IJobStore Store => App.Services.GetRequiredService<IJobStore>();

    public TestSignals Signals => App.Services.GetRequiredService<TestSignals>();

    public static async Task<DashboardApp> StartAsync(Action<DashboardAppOptions>? configure = null)
    {
        var options = new DashboardAppOptions();
        configure?.Invoke(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        if (options.Kestrel)
        {
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Services.AddSingleton<TestSignals>();
        var jobs = builder.Services.AddBackgroundJobs(o =>
            {
                o.Queues["default"].Workers = options.Workers;
                o.ProgressInterval = TimeSpan.FromMilliseconds(20);
            })
            .AddJob<StepJob, StepArgs, string>(StepJob.Name)
            .AddJob<FlakyJob, FlakyArgs>(FlakyJob.Name);
        DirectoryInfo? directory = null;
        if (options.Store == StoreKind.Sqlite)
        {
            directory = Directory.CreateTempSubdirectory("backgroundtasks-dashboard-");
            jobs.UseSqlite(Path.Combine(directory.FullName, "jobs.db"));
        }

        string? schema = null;
        if (options.Store == StoreKind.PostgreSql)
        {
            schema = "bt_dash_" + Guid.NewGuid().ToString("N")[..12];
            jobs.UseNpgsql(PostgresServer.ConnectionString, p => p.Schema = schema);
        }

        options.Jobs?.Invoke(jobs);
        builder.Services.AddBackgroundJobsDashboard(options.Dashboard);
        options.Services?.Invoke(builder.Services);

        var app = builder.Build();
        if (!options.Kestrel)
        {
            var remote = options.RemoteIp;
            app.Use((context, next) =>
            {
                context.Connection.RemoteIpAddress = remote;
                context.Connection.LocalIpAddress = IPAddress.Loopback;
                return next(context);
            });
        }

        options.Map(app);
        await app.StartAsync();
        var address = options.Kestrel
            ? new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single())
            : new Uri("http://localhost");
        return new DashboardApp(app, directory, schema, address);
    }

    /// <summary>A client of the test server (cookies are not kept: tests carry the antiforgery cookie themselves).</summary>
    public HttpClient CreateClient()
    {
        var client = App.GetTestClient();
        client.BaseAddress = Address;
        return client;
    }

    public Task<JobId> EnqueueStepsAsync(string gate, int steps, string queue = "default")
        => Queue.EnqueueAsync<StepJob, StepArgs>(new StepArgs(gate, steps), new JobOptions { Queue = queue }).AsTask();

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await App.StopAsync(stop.Token);
        }

        await App.DisposeAsync();
        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _directory.Delete(recursive: true);
        }

        if (_schema is not null)
        {
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(PostgresServer.ConnectionString);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
