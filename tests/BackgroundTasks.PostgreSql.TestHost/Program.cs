using System.Globalization;
using BackgroundTasks;
using BackgroundTasks.PostgreSql.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A host on a PostgreSQL schema for the multi-process tests. It runs until it is killed (or stopped with Ctrl+C).
// usage: --connection <string> --schema <name> --host <name> --effects <file> [--enqueue <first-key> <count>] [--work-ms <n>] [--workers <n>] [--lease-ms <n>]
var options = new Dictionary<string, string>(StringComparer.Ordinal);
int? first = null;
var count = 0;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--enqueue" && i + 2 < args.Length)
    {
        first = int.Parse(args[++i], CultureInfo.InvariantCulture);
        count = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
    {
        options[args[i][2..]] = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
        return 2;
    }
}

if (!options.TryGetValue("connection", out var connection) || !options.TryGetValue("schema", out var schema)
    || !options.TryGetValue("host", out var hostName) || !options.TryGetValue("effects", out var effects))
{
    Console.Error.WriteLine("--connection, --schema, --host and --effects are required.");
    return 2;
}

var work = options.TryGetValue("work-ms", out var ms) ? int.Parse(ms, CultureInfo.InvariantCulture) : 0;
var workers = options.TryGetValue("workers", out var w) ? int.Parse(w, CultureInfo.InvariantCulture) : 8;
TimeSpan? lease = options.TryGetValue("lease-ms", out var l) ? TimeSpan.FromMilliseconds(int.Parse(l, CultureInfo.InvariantCulture)) : null;

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton(new EffectLog(effects));
builder.Services.AddBackgroundJobs(o =>
    {
        o.HostName = hostName;
        o.DrainTimeout = TimeSpan.FromSeconds(2);
    })
    .AddQueue(CrashJob.Queue, q =>
    {
        q.Workers = workers;
        q.MaxAttempts = 10;
        q.Capacity = 100_000;
    })
    .AddJob<CrashJob, CrashArgs>(CrashJob.Name)
    .UseNpgsql(connection, o =>
    {
        o.Schema = schema;
        o.LeaseDuration = lease ?? o.LeaseDuration;
        o.RetentionInterval = Timeout.InfiniteTimeSpan;
    });

using var host = builder.Build();
await host.StartAsync();
Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ready {Environment.ProcessId}"));

if (first is { } firstKey)
{
    var queue = host.Services.GetRequiredService<IJobQueue>();
    for (var start = firstKey; start < firstKey + count; start += 1000)
    {
        var keys = Enumerable.Range(start, Math.Min(1000, firstKey + count - start));
        await queue.EnqueueManyAsync<CrashJob, CrashArgs>(keys.Select(k => new CrashArgs(k, WorkMilliseconds: work)), new JobOptions { Queue = CrashJob.Queue });
    }

    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"enqueued {count}"));
}

await host.WaitForShutdownAsync();
return 0;
