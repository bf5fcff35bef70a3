using System.Text.Json;
using AuditedStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

using BackgroundTasks.Testing;

namespace BackgroundTasks.Tests.Store;

/// <summary>The custom store sample (samples/AuditedStore) against the conformance kit, and its audit trail.</summary>
public sealed class AuditingJobStoreTests
{
    private DirectoryInfo _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("backgroundtasks-audit-");

    [TearDown]
    public void DeleteDirectory() => _directory.Delete(recursive: true);

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_AuditingJobStore_PassesEveryCheck(CancellationToken cancellationToken)
    {
        var files = 0;
        var report = await JobStoreConformance.VerifyAsync(
            () => new AuditingJobStore(Path.Combine(_directory.FullName, $"audit-{Interlocked.Increment(ref files)}.jsonl")),
            cancellationToken: cancellationToken);

        TestContext.Out.WriteLine(report);
        Assert.That(report.Passed, Is.True, report.ToString());
        Assert.That(report.Checks.Select(c => c.Outcome), Is.All.EqualTo(JobStoreCheckOutcome.Passed).Or.EqualTo(JobStoreCheckOutcome.NotApplicable));
        Assert.That(files, Is.EqualTo(JobStoreConformance.CheckNames.Count), "Each check gets a fresh store.");
    }

    [Test]
    public async Task Lifecycle_OneJob_AppendsOneLinePerAppliedChange()
    {
        var path = Path.Combine(_directory.FullName, "audit.jsonl");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var id = JobId.NewId();
        await using (var store = new AuditingJobStore(path, time))
        {
            await store.AddAsync(new JobRecord { Id = id, Queue = "default", Status = JobStatus.Queued, EnqueuedAt = time.GetUtcNow() });
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.That(await store.TransitionAsync(id, new JobTransition(JobStatus.Running, 1, time.GetUtcNow())), Is.True);
            Assert.That(await store.ReportProgressAsync(id, new JobProgress(50, "half")), Is.True);
            Assert.That(await store.TransitionAsync(id, new JobTransition(JobStatus.Retrying, 1, time.GetUtcNow(), time.GetUtcNow().AddSeconds(5), new JobError("System.TimeoutException", "too slow", null, timedOut: true))), Is.True);
            Assert.That(await store.TransitionAsync(id, new JobTransition(JobStatus.Queued, 1, time.GetUtcNow())), Is.True);
            Assert.That(await store.TransitionAsync(id, new JobTransition(JobStatus.Running, 2, time.GetUtcNow())), Is.True);
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.That(await store.TransitionAsync(id, new JobTransition(JobStatus.Succeeded, 2, time.GetUtcNow(), Result: 42)), Is.True);

            // Refused writes change nothing, so they leave no line.
            Assert.That(await store.TransitionAsync(id, new JobTransition(JobStatus.Cancelled, 2, time.GetUtcNow())), Is.False);
            Assert.That(await store.ReportProgressAsync(id, new JobProgress(100)), Is.False);
            Assert.ThrowsAsync<ArgumentException>(async () => await store.AddAsync(new JobRecord { Id = id, Queue = "default" }));
        }

        var lines = (await File.ReadAllLinesAsync(path)).Select(line => JsonDocument.Parse(line).RootElement).ToList();

        Assert.That(lines.Select(l => l.GetProperty("operation").GetString()), Is.EqualTo(new[] { "add", "transition", "progress", "transition", "transition", "transition", "transition" }));
        Assert.That(lines.Select(l => l.TryGetProperty("status", out var s) ? s.GetString() : "-"), Is.EqualTo(new[] { "Queued", "Running", "-", "Retrying", "Queued", "Running", "Succeeded" }));
        Assert.That(lines.Select(l => l.GetProperty("jobId").GetString()), Is.All.EqualTo(id.ToString()));
        Assert.That(lines[0].GetProperty("at").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        Assert.That(lines[^1].GetProperty("at").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 3, 1, 12, 0, 2, TimeSpan.Zero)));
        Assert.That(lines[2].GetProperty("percent").GetDouble(), Is.EqualTo(50));
        Assert.That(lines[2].GetProperty("message").GetString(), Is.EqualTo("half"));
        Assert.That(lines[3].GetProperty("error").GetString(), Is.EqualTo("System.TimeoutException: too slow"));
        Assert.That(lines[5].GetProperty("attempt").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task UseStore_InAGenericHost_AuditsEachJobsLifecycle(CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory.FullName, "host.jsonl");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(options => options.Queues["default"].Workers = 1)
            .UseStore(_ => new AuditingJobStore(path));
        JobId ok, failed;
        using (var host = builder.Build())
        {
            await host.StartAsync(cancellationToken);
            var jobs = host.Services.GetRequiredService<IJobQueue>();
            var monitor = host.Services.GetRequiredService<IJobMonitor>();
            ok = await jobs.EnqueueAsync(_ => Task.FromResult(7), cancellationToken: cancellationToken);
            failed = await jobs.EnqueueAsync(_ => throw new InvalidOperationException("no"), cancellationToken: cancellationToken);

            Assert.That((await monitor.WaitAsync(ok, cancellationToken)).Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That((await monitor.WaitAsync(failed, cancellationToken)).Status, Is.EqualTo(JobStatus.Failed));
            await host.StopAsync(cancellationToken);
        }

        var lines = (await File.ReadAllLinesAsync(path, cancellationToken)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        string[] StatusesOf(JobId id) => lines
            .Where(l => l.GetProperty("jobId").GetString() == id.ToString() && l.TryGetProperty("status", out _))
            .Select(l => l.GetProperty("status").GetString()!)
            .ToArray();

        Assert.That(StatusesOf(ok), Is.EqualTo(new[] { "Queued", "Running", "Succeeded" }));
        Assert.That(StatusesOf(failed), Is.EqualTo(new[] { "Queued", "Running", "Failed" }));
    }
}
