using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;

namespace BackgroundTasks.PostgreSql.Tests.Engine;

/// <summary>A real generic host on a test schema, with a host name of its own, a log collector, and the "gate" typed job.</summary>
internal sealed class PgHost : IAsyncDisposable
{
    private PgHost(IHost host, FakeLogCollector logs)
    {
        Host = host;
        Logs = logs;
    }

    public IHost Host { get; }

    public FakeLogCollector Logs { get; }

    public IJobQueue Queue => Host.Services.GetRequiredService<IJobQueue>();

    public IJobMonitor Monitor => Host.Services.GetRequiredService<IJobMonitor>();

    public PostgreSqlJobStore Store => (PostgreSqlJobStore)Host.Services.GetRequiredService<IJobStore>();

    /// <summary>Starts a host named <paramref name="name"/> on the schema; its connections carry the application name <c>{schema}-{name}</c>.</summary>
    public static async Task<PgHost> StartAsync(TestSchema schema, string name, Gates gates, Action<BackgroundJobsOptions>? configure = null, Action<PostgreSqlJobStoreOptions>? store = null, Action<BackgroundJobsBuilder>? build = null, CancellationToken ct = default)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var logs = new FakeLogCollector();
        builder.Logging.AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddSingleton(gates);
        var connection = new NpgsqlConnectionStringBuilder(schema.ConnectionString) { ApplicationName = ApplicationName(schema, name) };
        var jobs = builder.Services.AddBackgroundJobs(o =>
        {
            o.HostName = name;
            o.Queues["default"].Workers = 4;
            configure?.Invoke(o);
        })
            .AddJob<GateJob, GateArgs>("gate")
            .UseNpgsql(connection.ConnectionString, o =>
            {
                o.Schema = schema.Name;
                o.RetentionInterval = Timeout.InfiniteTimeSpan;
                store?.Invoke(o);
            });
        build?.Invoke(jobs);
        var host = builder.Build();
        await host.StartAsync(ct);
        return new PgHost(host, logs);
    }

    public static string ApplicationName(TestSchema schema, string name) => $"{schema.Name}-{name}";

    public async ValueTask DisposeAsync()
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await Host.StopAsync(giveUp.Token);
        }
        finally
        {
            Host.Dispose();
        }
    }

    /// <summary>What gate jobs do, shared by the hosts of one test.</summary>
    public sealed class Gates
    {
        public ConcurrentDictionary<string, int> Runs { get; } = new();

        public ConcurrentDictionary<string, string> RanOn { get; } = new();

        /// <summary>Gets the gates that jobs with <see cref="GateArgs.Wait"/> wait on, by key.</summary>
        public ConcurrentDictionary<string, TaskCompletionSource> Open { get; } = new();

        public ConcurrentDictionary<string, TaskCompletionSource> Started { get; } = new();

        public ConcurrentDictionary<string, TaskCompletionSource> TokenFired { get; } = new();

        public TaskCompletionSource For(ConcurrentDictionary<string, TaskCompletionSource> gates, string key)
            => gates.GetOrAdd(key, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    /// <param name="Key">Names the job for the test.</param>
    /// <param name="Wait">Whether the job waits until its gate opens (or its token fires).</param>
    /// <param name="Percent">Progress reported before it waits, if any.</param>
    public sealed record GateArgs(string Key, bool Wait = false, double? Percent = null);

    public sealed class GateJob(Gates gates, Microsoft.Extensions.Options.IOptions<BackgroundJobsOptions> options) : IJob<GateArgs>
    {
        public async Task RunAsync(GateArgs args, JobContext context)
        {
            gates.Runs.AddOrUpdate(args.Key, 1, static (_, n) => n + 1);
            gates.RanOn[args.Key] = options.Value.HostName;
            if (args.Percent is { } percent)
            {
                context.ReportProgress(percent, "gate");
            }

            gates.For(gates.Started, args.Key).TrySetResult();
            if (args.Wait)
            {
                try
                {
                    await gates.For(gates.Open, args.Key).Task.WaitAsync(context.CancellationToken);
                }
                catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
                {
                    gates.For(gates.TokenFired, args.Key).TrySetResult();
                    throw;
                }
            }
        }
    }
}
