using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>Following a typed job on a SQLite file while it goes back to the file between attempts.</summary>
[CancelAfter(30_000)]
public sealed class DurableWatchTests
{
    [Test]
    public async Task WatchAsync_TypedJobThatRetries_FollowsEveryAttemptToTheEnd(CancellationToken ct)
    {
        using var database = new TempDatabase();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(o =>
            {
                o.HostName = "host-a";
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.Queues["default"].Workers = 1;
            })
            .AddJob<FailsOnceJob, FailsOnceArgs>("fails-once")
            .UseSqlite(database.Path, o => o.RetentionInterval = Timeout.InfiniteTimeSpan);
        using var host = builder.Build();
        await host.StartAsync(ct);
        // Long enough a wait between the attempts for the watcher to read the Retrying record (a watcher may skip records).
        var options = new JobOptions { MaxAttempts = 3, Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromMilliseconds(500), Jitter = 0 } };
        var id = await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync<FailsOnceJob, FailsOnceArgs>(new FailsOnceArgs(5), options, ct);

        var seen = new List<(JobStatus Status, int Attempt)>();
        await foreach (var record in host.Services.GetRequiredService<IJobMonitor>().WatchAsync(id, ct))
        {
            seen.Add((record.Status, record.Attempt));
        }

        Assert.That(seen[^1], Is.EqualTo((JobStatus.Succeeded, 2)), string.Join(", ", seen));
        Assert.That(seen, Does.Contain((JobStatus.Retrying, 1)), string.Join(", ", seen));
        await host.StopAsync(ct);
    }

    public sealed record FailsOnceArgs(int Steps);

    public sealed class FailsOnceJob : IJob<FailsOnceArgs>
    {
        public Task RunAsync(FailsOnceArgs args, JobContext context)
        {
            for (var step = 1; step <= args.Steps; step++)
            {
                context.ReportItems(step, args.Steps);
            }

            return context.Attempt == 1 ? throw new IOException("The first attempt fails.") : Task.CompletedTask;
        }
    }
}
