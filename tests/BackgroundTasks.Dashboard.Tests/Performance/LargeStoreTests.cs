using System.Diagnostics;
using BackgroundTasks.Sqlite;

namespace BackgroundTasks.Dashboard.Tests.Performance;

/// <summary>With 100,000 finished jobs in the store, the pages answer in well under a second: measured and printed (the bound asserted is only a sanity check).</summary>
[NonParallelizable]
[CancelAfter(180_000)]
public sealed class LargeStoreTests
{
    private const int Jobs = 100_000;
    private static readonly string[] s_queues = ["default", "mail", "reports"];

    [TestCase(StoreKind.InMemory)]
    [TestCase(StoreKind.Sqlite)]
    [TestCase(StoreKind.PostgreSql)]
    public async Task Pages_HundredThousandFinishedJobs_AnswerQuickly(StoreKind store, CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync(o =>
        {
            o.Store = store;
            o.Jobs = jobs =>
            {
                jobs.AddQueue("mail").AddQueue("reports").ConfigureInMemoryStore(m => m.MaxFinishedJobs = 2 * Jobs);
            };
        });
        var fill = Stopwatch.StartNew();
        await FillAsync(app.Store, ct);
        await TestContext.Out.WriteLineAsync($"{store}: {Jobs:N0} finished jobs written in {fill.Elapsed.TotalSeconds:0.0} s");
        Assert.That((await app.Monitor.CountAsync(ct)).Values.Sum(), Is.EqualTo(Jobs));

        using var client = app.CreateClient();
        var pages = new[]
        {
            ("overview", "/jobs"),
            ("all jobs, first page", "/jobs/list"),
            ("succeeded, first page", "/jobs/list?status=Succeeded"),
            ("failed in 'default', first page", "/jobs/list?status=Failed&queue=default"),
            ("by name, first page", "/jobs/list?name=job-3"),
            ("all jobs, page 2,000", "/jobs/list?page=2000"),
            ("scheduled & retrying", "/jobs/waiting"),
        };
        foreach (var (what, path) in pages)
        {
            using (var warmUp = await client.GetAsync(path, ct))
            {
                Assert.That(warmUp.IsSuccessStatusCode, Is.True, path);
            }

            var clock = Stopwatch.StartNew();
            const int Rounds = 3;
            var bytes = 0;
            for (var i = 0; i < Rounds; i++)
            {
                bytes = (await client.GetByteArrayAsync(path, ct)).Length;
            }

            var each = clock.Elapsed / Rounds;
            await TestContext.Out.WriteLineAsync($"{store}: {what,-30} {each.TotalMilliseconds,8:0.0} ms  ({bytes / 1024} KB)");
            Assert.That(each, Is.LessThan(TimeSpan.FromSeconds(5)), $"{what}: a sanity bound, not a target");
        }
    }

    /// <summary>Writes finished jobs straight to the store: 90 % succeeded, 8 % failed with an error, 2 % cancelled, over three queues and ten names.</summary>
    private static async Task FillAsync(IJobStore store, CancellationToken ct)
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var error = new JobError("System.InvalidOperationException", "the report source is offline", "System.InvalidOperationException: the report source is offline\n   at Reports.Build()");
        const int Batch = 10_000;
        for (var start = 0; start < Jobs; start += Batch)
        {
            var records = Enumerable.Range(start, Batch).Select(i => new JobRecord
            {
                Id = JobId.NewId(),
                Name = $"job-{i % 10}",
                Queue = s_queues[i % 3],
                Status = JobStatus.Queued,
                EnqueuedAt = at,
            }).ToList();
            if (store is SqliteJobStore sqlite)
            {
                await sqlite.AddManyAsync(records, ct);
            }
            else
            {
                // Added together, so that a store with a batching writer (PostgreSQL) commits them in few round trips.
                await Task.WhenAll(records.Select(record => store.AddAsync(record, ct).AsTask()));
            }

            var writes = new List<Task>(2 * Batch);
            for (var i = 0; i < Batch; i++)
            {
                var id = records[i].Id;
                var n = start + i;
                if (n % 50 == 0)
                {
                    writes.Add(store.TransitionAsync(id, new JobTransition(JobStatus.Cancelled, 0, at, CancelReason: JobCancelReason.Requested), ct).AsTask());
                    continue;
                }

                writes.Add(Finish(store, id, n % 12 == 0, at, error, ct));
            }

            await Task.WhenAll(writes);
        }
    }

    private static async Task Finish(IJobStore store, JobId id, bool fail, DateTimeOffset at, JobError error, CancellationToken ct)
    {
        await store.TransitionAsync(id, new JobTransition(JobStatus.Running, 1, at), ct);
        await store.TransitionAsync(id, fail ? new JobTransition(JobStatus.Failed, 1, at.AddSeconds(1), Error: error) : new JobTransition(JobStatus.Succeeded, 1, at.AddSeconds(1), Result: "ok"), ct);
    }
}
