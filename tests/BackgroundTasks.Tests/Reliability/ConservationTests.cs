using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests.Reliability;

/// <summary>
/// Runs a large random workload (fixed seeds) through three queues while the store throws and stalls,
/// then checks that nothing was lost: every accepted job ends in exactly one terminal status that its
/// kind implies, ran no more often than its attempts allow, and never moved backwards. Timing is not
/// asserted; the workload uses the system clock with millisecond delays and timeouts.
/// </summary>
[Category("Reliability")]
public sealed class ConservationTests
{
    private static readonly string[] s_queues = ["default", "mail", "reports"];

    private enum Kind
    {
        Succeeds,
        AlwaysThrows,
        ThrowsThenSucceeds,
        TimesOut,
        CancelledById,
        Delayed,
        ReportsProgress,
    }

    [TestCase(1, 100_000, StoreKind.UserWrittenFaulty)]
    [TestCase(2, 20_000, StoreKind.UserWrittenFaulty)]
    [TestCase(3, 100_000, StoreKind.InMemory)]
    [TestCase(4, 100_000, StoreKind.UserWritten)]
    [TestCase(5, 10_000, StoreKind.Sqlite)]
    [TestCase(6, 10_000, StoreKind.PostgreSql)]
    [CancelAfter(240_000)]
    public async Task RandomWorkloadWithStoreFaults_EveryAcceptedJobEndsExactlyOnceAsItsKindImplies(int seed, int jobCount, StoreKind storeKind, CancellationToken ct)
    {
        // The faulty store keeps each job's history, so that case also checks that no status moved backwards.
        var faulty = storeKind == StoreKind.UserWrittenFaulty ? new FaultyJobStore(seed, throwRate: 0.01, stallRate: 0.005) : null;
        IJobStore? store = storeKind switch
        {
            StoreKind.UserWritten => new DictionaryJobStore(maxFinished: int.MaxValue),
            StoreKind.UserWrittenFaulty => faulty,
            _ => null,
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var jobs = builder.Services.AddBackgroundJobs(o =>
        {
            o.Queues["default"].Workers = 4;
            o.Queues["default"].Capacity = 2_000;
            o.ProgressInterval = TimeSpan.FromMilliseconds(1);
        })
            .AddQueue("mail", q => { q.Workers = 3; q.Capacity = 500; })
            .AddQueue("reports", q => { q.Workers = 2; q.Capacity = 100; });
        using var database = storeKind == StoreKind.Sqlite ? new TemporaryFile("conservation.db") : null;
        using var schema = storeKind == StoreKind.PostgreSql ? new TemporaryPostgresSchema() : null;
        if (database is not null)
        {
            jobs.UseSqlite(database.Path);
        }
        else if (schema is not null)
        {
            jobs.UseNpgsql(schema.ConnectionString, o => o.Schema = schema.Name);
        }
        else if (store is null)
        {
            // Keep every record to the end: the check below reads them all.
            jobs.ConfigureInMemoryStore(o => o.MaxFinishedJobs = jobCount);
        }
        else
        {
            jobs.UseStore(_ => store);
        }

        using var host = builder.Build();
        await host.StartAsync(ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var monitor = host.Services.GetRequiredService<IJobMonitor>();

        var random = new Random(seed);
        var kinds = new ConcurrentDictionary<JobId, (Kind Kind, int MaxAttempts)>();
        var runs = new ConcurrentDictionary<JobId, int>();
        var backoff = new RetryBackoff { InitialDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), Jitter = 0.5 };
        var addFaults = 0;
        for (var i = 0; i < jobCount; i++)
        {
            var kind = (Kind)random.Next(Enum.GetValues<Kind>().Length);
            var maxAttempts = random.Next(1, 4);
            if (kind == Kind.ThrowsThenSucceeds)
            {
                maxAttempts = Math.Max(2, maxAttempts);
            }

            var options = new JobOptions
            {
                Queue = s_queues[random.Next(s_queues.Length)],
                Priority = (JobPriority)random.Next(-1, 2),
                MaxAttempts = kind is Kind.TimesOut or Kind.CancelledById ? 1 : maxAttempts,
                Backoff = backoff,
                Timeout = kind == Kind.TimesOut ? TimeSpan.FromMilliseconds(2) : null,
                Delay = kind == Kind.Delayed ? TimeSpan.FromMilliseconds(random.Next(1, 5)) : null,
            };
            Func<JobContext, Task> job = kind switch
            {
                Kind.AlwaysThrows => ctx => Count(runs, ctx) > 0 ? throw new InvalidOperationException("always") : Task.CompletedTask,
                Kind.ThrowsThenSucceeds => ctx => Count(runs, ctx) < ctx.MaxAttempts ? throw new InvalidOperationException("not yet") : Task.CompletedTask,
                Kind.TimesOut or Kind.CancelledById => ctx =>
                {
                    Count(runs, ctx);
                    return Until.Cancelled(ctx.CancellationToken);
                },
                Kind.ReportsProgress => ctx =>
                {
                    Count(runs, ctx);
                    for (var step = 1; step <= 50; step++)
                    {
                        ctx.ReportItems(step, 50);
                    }

                    return Task.CompletedTask;
                },
                _ => ctx =>
                {
                    Count(runs, ctx);
                    return Task.CompletedTask;
                },
            };

            JobId id;
            while (true)
            {
                try
                {
                    id = await queue.EnqueueAsync(job, options, ct);
                    break;
                }
                catch (IOException)
                {
                    // The store refused to record the job: it was not accepted, so enqueue it again.
                    addFaults++;
                }
            }

            kinds[id] = (kind, options.MaxAttempts!.Value);
            if (kind == Kind.CancelledById)
            {
                Assert.That(await monitor.CancelAsync(id, ct), Is.True, $"Job {id} (seed {seed}) was alive and must be cancellable.");
            }
        }

        foreach (var id in kinds.Keys)
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
            patience.CancelAfter(TimeSpan.FromSeconds(60));
            try
            {
                await monitor.WaitAsync(id, patience.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                var stuck = await monitor.QueryAsync(new JobQuery { Take = 20, Status = (await monitor.GetAsync(id, ct))!.Status }, ct);
                Assert.Fail($"Seed {seed}: job {id} ({kinds[id].Kind}) did not finish within a minute: {await monitor.GetAsync(id, ct)}; "
                    + $"others in that status: {string.Join("; ", stuck.Select(r => $"{kinds.GetValueOrDefault(r.Id).Kind}/{r.Attempt}/{r.Queue}/{r.Priority}"))}");
            }
        }

        await host.StopAsync(ct);

        var problems = new List<string>();
        var perStatus = new Dictionary<JobStatus, int>();
        foreach (var (id, (kind, maxAttempts)) in kinds)
        {
            var record = (await monitor.GetAsync(id, ct))!;
            perStatus[record.Status] = perStatus.GetValueOrDefault(record.Status) + 1;
            var applied = faulty?.Applied[id].ToList() ?? [record.Status];
            var expected = kind switch
            {
                Kind.AlwaysThrows or Kind.TimesOut => JobStatus.Failed,
                Kind.CancelledById => JobStatus.Cancelled,
                _ => JobStatus.Succeeded,
            };
            var ran = runs.GetValueOrDefault(id);
            if (record.Status != expected)
            {
                problems.Add($"{id} {kind}: ended {record.Status}, expected {expected} ({record.Error?.Message})");
            }

            if (applied.Count(s => s.IsTerminal()) != 1)
            {
                problems.Add($"{id} {kind}: {applied.Count(s => s.IsTerminal())} terminal statuses applied: {string.Join(" → ", applied)}");
            }

            for (var i = 1; i < applied.Count; i++)
            {
                if (!JobTransition.IsAllowed(applied[i - 1], applied[i]))
                {
                    problems.Add($"{id} {kind}: moved backwards {applied[i - 1]} → {applied[i]}");
                }
            }

            if (ran > maxAttempts)
            {
                problems.Add($"{id} {kind}: ran {ran} times with {maxAttempts} attempts");
            }

            if (kind == Kind.AlwaysThrows && ran != maxAttempts)
            {
                problems.Add($"{id} {kind}: ran {ran} times, expected all {maxAttempts} attempts");
            }

            if (kind == Kind.TimesOut && record.Error?.TimedOut != true)
            {
                problems.Add($"{id} {kind}: error is not a timeout: {record.Error?.Message}");
            }
        }

        TestContext.Out.WriteLine($"seed {seed}: {kinds.Count} jobs, {string.Join(", ", perStatus.Select(p => $"{p.Key} {p.Value}"))}; "
            + (faulty is null ? $"{storeKind} store" : $"store threw {faulty.ThrownCount} times ({addFaults} on add), stalled {faulty.StalledCount} times"));
        Assert.That(problems, Is.Empty, $"Seed {seed}: {problems.Count} problems, first ones:\n{string.Join("\n", problems.Take(20))}");
        var engine = host.Services.GetRequiredService<JobEngine>();
        Assert.That(engine.AliveCount, Is.Zero, () => string.Join("; ", engine.AliveJobs.Select(j => $"{kinds.GetValueOrDefault(j.Id).Kind} running={j.IsRunning} finished={j.IsFinished} attempt={j.Attempt} claimed={j.IsClaimed} store={monitor.GetAsync(j.Id).AsTask().Result?.Status}")));
    }

    private static int Count(ConcurrentDictionary<JobId, int> runs, JobContext ctx) => runs.AddOrUpdate(ctx.Id, 1, (_, n) => n + 1);
}
