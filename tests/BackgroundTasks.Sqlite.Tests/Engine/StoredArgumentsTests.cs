using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>Stored arguments that no longer fit the job's class (it changed since they were written) fail that job alone.</summary>
[CancelAfter(30_000)]
public sealed class StoredArgumentsTests
{
    [Test]
    public async Task StoredArgumentsOfAnOlderClassShape_FailThatJobNamingJobAndMember_AndTheWorkerRunsTheNextJob(CancellationToken ct)
    {
        using var database = new TempDatabase();

        // Written by an older ResizeArgs: one had no Width yet, the other kept Width as text.
        var missingMember = Stored("""{"path":"a.png"}""");
        var wrongType = Stored("""{"path":"b.png","width":"wide"}""");
        var current = Stored("""{"path":"c.png","width":640}""");
        await using (var store = database.Open())
        {
            await store.AddManyAsync([missingMember, wrongType, current], ct);
        }

        var resized = new ConcurrentQueue<string>();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(resized);
        builder.Services.AddBackgroundJobs(o =>
            {
                o.HostName = "host-a";
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.Queues["default"].Workers = 1;
            })
            .AddJob<ResizeJob, ResizeArgs>("resize")
            .UseSqlite(database.Path, o => o.RetentionInterval = Timeout.InfiniteTimeSpan);
        using var host = builder.Build();
        await host.StartAsync(ct);
        var monitor = host.Services.GetRequiredService<IJobMonitor>();

        var missing = await monitor.WaitAsync(missingMember.Id, ct);
        var wrong = await monitor.WaitAsync(wrongType.Id, ct);
        var next = await monitor.WaitAsync(current.Id, ct);
        await TestContext.Progress.WriteLineAsync($"{missing.Error?.Message}\n{wrong.Error?.Message}");

        Assert.Multiple(() =>
        {
            Assert.That(missing.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(missing.Error!.Message, Does.Contain("Job 'resize'").And.Contain("ResizeArgs").And.Contain("'width'"), missing.Error.Message);
            Assert.That(wrong.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(wrong.Error!.Message, Does.Contain("Job 'resize'").And.Contain("ResizeArgs").And.Contain("$.width"), wrong.Error.Message);
            Assert.That(next.Status, Is.EqualTo(JobStatus.Succeeded), "The one worker went on with the next job.");
            Assert.That(resized, Is.EqualTo(new[] { "c.png 640" }));
        });
        await host.StopAsync(ct);
    }

    private static JobRecord Stored(string arguments) => TestJobs.Typed(maxAttempts: 1) with { Id = JobId.NewId(), Name = "resize", Arguments = arguments };

    /// <summary>The arguments as the class looks today: both members required.</summary>
    public sealed class ResizeArgs
    {
        public required string Path { get; init; }

        public required int Width { get; init; }
    }

    public sealed class ResizeJob(ConcurrentQueue<string> resized) : IJob<ResizeArgs>
    {
        public Task RunAsync(ResizeArgs args, JobContext context)
        {
            resized.Enqueue($"{args.Path} {args.Width}");
            return Task.CompletedTask;
        }
    }
}
