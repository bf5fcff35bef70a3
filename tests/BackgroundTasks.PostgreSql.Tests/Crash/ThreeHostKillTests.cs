using System.Text.Json;
using BackgroundTasks.PostgreSql.Tests.Engine;
using static BackgroundTasks.PostgreSql.Tests.Engine.PgHost;

namespace BackgroundTasks.PostgreSql.Tests.Crash;

/// <summary>
/// Three host processes on one schema run 50,000 typed jobs enqueued from all three; one is killed mid-run. The others
/// finish everything: every job Succeeded exactly once in the record, and only jobs the killed host had started ran again.
/// Before the kill, a job running in one process is cancelled from a host in another (this test process) and stops.
/// </summary>
[Category("Reliability")]
public sealed class ThreeHostKillTests
{
    private const int Jobs = 50_000;

    [Test]
    [CancelAfter(600_000)]
    public async Task ThreeHostsOneKilled_EveryJobSucceedsOnce_ReRunsOnlyWhatTheKilledHostStarted_AndACrossHostCancelStops(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using (schema.Open())
        {
            // The schema exists before the three start.
        }

        var directory = Directory.CreateTempSubdirectory("backgroundtasks-pg-crash-");
        var children = new List<ChildHost>();
        try
        {
            var per = Jobs / 3;
            for (var i = 0; i < 3; i++)
            {
                var count = i == 2 ? Jobs - (2 * per) : per;
                children.Add(ChildHost.Start(directory.FullName, $"proc-{i}", "--connection", schema.ConnectionString, "--schema", schema.Name, "--work-ms", "1", "--enqueue", (i * per).ToString(System.Globalization.CultureInfo.InvariantCulture), count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            foreach (var child in children)
            {
                await child.WaitForLineAsync("enqueued", TimeSpan.FromMinutes(2), ct);
            }

            // Host A, in this process, cancels a job that one of the children runs.
            await using var hostA = await PgHost.StartAsync(schema, "host-a", new Gates(), ct: ct);
            await using var producer = schema.Open();
            var blocker = new JobRecord
            {
                Id = JobId.NewId(),
                Name = "crash",
                Queue = "work",
                Priority = JobPriority.High,
                Status = JobStatus.Queued,
                MaxAttempts = 1,
                EnqueuedAt = TestJobs.Start,
                Arguments = JsonSerializer.Serialize(new { Key = -1, Block = true }),
            };
            await producer.AddAsync(blocker, ct);
            var runner = await WaitForEffectAsync(children, "started -1 ", TimeSpan.FromMinutes(1), ct);
            Assert.That(await hostA.Monitor.CancelAsync(blocker.Id, ct), Is.True);
            Assert.That(await WaitForEffectAsync([runner], "stopped -1", TimeSpan.FromSeconds(5), ct), Is.SameAs(runner), "The job stopped in the process that ran it.");

            var cancelled = await hostA.Monitor.WaitAsync(blocker.Id, ct);
            Assert.That((cancelled.Status, cancelled.CancelReason), Is.EqualTo((JobStatus.Cancelled, JobCancelReason.Requested)));

            // Kill one host (not the one that ran the blocker, to keep the two checks apart) once a fifth of the jobs ran.
            var victim = children.First(c => c != runner);
            await Poll.UntilAsync(async () => await SucceededAsync(producer, ct) >= Jobs / 5, TimeSpan.FromMinutes(3), "A fifth of the jobs did not finish", ct);

            victim.Kill();
            var startedByVictim = Starts(victim).Select(s => s.Key).ToHashSet();
            var heldAtKill = await schema.ScalarAsync($"SELECT count(*) FROM {{0}}.jobs WHERE status = 2 AND owner LIKE '{victim.Name}/%'", ct);
            TestContext.Out.WriteLine($"killed {victim.Name} after it started {startedByVictim.Count} jobs; it held {heldAtKill} Running");
            var killedAt = System.Diagnostics.Stopwatch.StartNew();

            await Poll.UntilAsync(async () => await SucceededAsync(producer, ct) >= Jobs, TimeSpan.FromMinutes(5), "The two hosts left did not finish every job", ct);
            TestContext.Out.WriteLine($"the other hosts finished every job {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");

            var counts = await producer.CountAsync(ct);
            Assert.That(counts, Is.EquivalentTo(new Dictionary<(string, JobStatus), int> { [("work", JobStatus.Succeeded)] = Jobs, [("work", JobStatus.Cancelled)] = 1 }));

            var starts = children.SelectMany(Starts).Where(s => s.Key >= 0).ToList();
            var perKey = starts.GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Count());
            var reRun = perKey.Where(p => p.Value > 1).Select(p => p.Key).ToList();
            TestContext.Out.WriteLine($"{starts.Count} starts for {Jobs} jobs; {reRun.Count} jobs ran again after the kill");
            foreach (var record in (await producer.QueryAsync(new JobQuery { Take = 10_000 }, ct)).Where(r => r.Attempt > 1).Take(20))
            {
                TestContext.Out.WriteLine($"attempt {record.Attempt}: {record.Arguments} {record.Error?.Message}");
            }

            foreach (var key in reRun.Where(k => !startedByVictim.Contains(k)).Take(10))
            {
                TestContext.Out.WriteLine($"re-run of {key} not started by the killed host: {string.Join(", ", children.SelectMany(c => Starts(c).Where(s => s.Key == key).Select(s => $"{c.Name} attempt {s.Attempt}")))}");
            }

            Assert.That(perKey.Keys, Is.EquivalentTo(Enumerable.Range(0, Jobs)), "Every job ran.");
            Assert.That(reRun, Is.SubsetOf(startedByVictim), "Only jobs the killed host had started ran again.");
            Assert.That(reRun, Has.Count.LessThanOrEqualTo(100), "Re-runs are bounded by what the killed host held (its 8 workers and the outcomes it had not written).");
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }

            directory.Delete(recursive: true);
        }
    }

    private static IEnumerable<(int Key, int Attempt)> Starts(ChildHost child)
        => child.Effects().Where(l => l.StartsWith("started ", StringComparison.Ordinal)).Select(l => l.Split(' ')).Select(p => (int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture)));

    private static async Task<int> SucceededAsync(PostgreSqlJobStore store, CancellationToken ct)
        => (await store.CountAsync(ct)).Where(c => c.Key.Status == JobStatus.Succeeded).Sum(c => c.Value);

    private static Task<ChildHost> WaitForEffectAsync(IReadOnlyList<ChildHost> children, string prefix, TimeSpan limit, CancellationToken ct)
        => Poll.UntilAsync(
            () => Task.FromResult(children.FirstOrDefault(c => c.Effects().Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))),
            limit,
            $"No host wrote '{prefix}' into its effects file",
            ct);
}
