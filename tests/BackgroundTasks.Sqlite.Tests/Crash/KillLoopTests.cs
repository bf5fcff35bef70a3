using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BackgroundTasks.Sqlite.Tests.Crash;

/// <summary>
/// Issue 14's kill -9 loop: a host process runs 20,000 typed jobs with progress on one file and is killed
/// (<see cref="Process.Kill(bool)"/>, the whole tree) at a random moment five times in a row, restarted each time
/// under the same host name. Nothing accepted may be lost, nothing may finish twice, and only jobs that were
/// running at a kill may run again.
/// </summary>
[CancelAfter(240_000)]
public sealed class KillLoopTests
{
    private const int Jobs = 20_000;
    private const int Kills = 5;
    private const int Workers = 16;
    private const string HostName = "crash-host";

    private TempDatabase _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TempDatabase();

    [TearDown]
    public void DeleteDirectory() => _directory.Dispose();

    [Test]
    public async Task Host_KilledFiveTimesWhileItRuns20000Jobs_EveryJobSucceedsOnce_AndOnlyJobsRunningAtAKillRunAgain(CancellationToken ct)
    {
        // Set CRASH_SEED to replay a run: the seed decides when each kill comes.
        var seed = Environment.GetEnvironmentVariable("CRASH_SEED") is { Length: > 0 } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        var random = new Random(seed);
        var files = new CrashFiles(_directory.Directory);
        var report = new StringBuilder().Append(CultureInfo.InvariantCulture, $"seed {seed} (set CRASH_SEED={seed} to replay), {Jobs:N0} jobs, {Workers} workers\n");
        var clock = Stopwatch.StartNew();

        // Each kill comes once the file shows a random share of the jobs succeeded (5 % to 85 %, in order), so
        // that every kill hits a host that is running jobs however fast this machine is.
        var targets = Enumerable.Range(0, Kills).Select(_ => (int)(Jobs * (0.05 + (0.8 * random.NextDouble())))).Order().ToArray();
        // Each attempt held Running at a kill, once: a host killed before its start-up recovery ran still shows the attempts
        // of the host killed before it, which are recovered once, as one next attempt each.
        var heldAtKills = new HashSet<(string Id, int Attempt)>();
        var processIds = new HashSet<int>();
        string[] settings = ["--workers", Workers.ToString(CultureInfo.InvariantCulture), "--work-ms", "2", "--steps", "2", "--poll-ms", "50"];
        for (var kill = 0; kill < Kills; kill++)
        {
            using var host = TestHostProcess.Start(
                files.Directory,
                kill == 0 ? files.HostArguments($"enqueue {Jobs}", HostName, settings) : files.HostArguments("run", HostName, [.. settings, "--expect", Jobs.ToString(CultureInfo.InvariantCulture)]));
            processIds.Add(host.Id);
            await host.WaitForLineAsync(l => l.StartsWith(kill == 0 ? "enqueued " : "ready ", StringComparison.Ordinal), kill == 0 ? "that it enqueued every job" : "that it is ready", ct);

            await WaitForSucceededAsync(files, host, targets[kill], report, ct);
            await host.KillAsync(ct);
            var rows = files.ReadJobs();
            var running = rows.Where(j => j.Status == JobStatus.Running).Select(j => (j.Id, j.Attempt)).ToList();
            var counted = running.Count(heldAtKills.Contains);
            heldAtKills.UnionWith(running);
            report.AppendLine(CultureInfo.InvariantCulture, $"kill {kill + 1} at {clock.Elapsed.TotalSeconds:0.0} s: pid {host.Id}, target {targets[kill]:N0} succeeded, file then {rows.Count(j => j.Status == JobStatus.Succeeded):N0} succeeded, {running.Count} running ({counted} of them held at an earlier kill already)");
        }

        var runningAtKills = heldAtKills.Count;

        using (var last = TestHostProcess.Start(files.Directory, files.HostArguments("run", HostName, [.. settings, "--expect", Jobs.ToString(CultureInfo.InvariantCulture)])))
        {
            processIds.Add(last.Id);
            var exitCode = await last.WaitForExitAsync(ct);
            report.AppendLine(CultureInfo.InvariantCulture, $"last host (pid {last.Id}) finished the rest at {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.That(exitCode, Is.Zero, $"{report}The last host failed:\n{last.Output}");
        }

        var jobs = files.ReadJobs();
        var effects = files.ReadEffects();
        var extraRuns = effects.Count - jobs.Count;
        report.AppendLine(CultureInfo.InvariantCulture, $"{effects.Count:N0} runs for {jobs.Count:N0} jobs: {extraRuns} ran again (they had written their side effect when killed), {runningAtKills} were running at the kills (at most {Workers} × {Kills} = {Workers * Kills})");
        await TestContext.Progress.WriteLineAsync(report.ToString());

        var runsByJob = effects.ToLookup(e => e.JobId);
        Assert.Multiple(() =>
        {
            Assert.That(jobs, Has.Count.EqualTo(Jobs), $"{report}Every enqueued job is in the file, once.");
            Assert.That(jobs.Select(j => j.Key).Distinct().Count(), Is.EqualTo(Jobs), $"{report}Every key was enqueued once.");
            Assert.That(jobs.Where(j => j.Status != JobStatus.Succeeded).Select(j => $"{j.Id} {j.Status} attempt {j.Attempt}: {j.Error}").Take(5), Is.Empty, $"{report}Every job succeeded.");
            Assert.That(jobs.Where(j => j.Percent != 100).Select(j => $"{j.Id} at {j.Percent} %").Take(5), Is.Empty, $"{report}Every job's last progress is recorded.");
            Assert.That(jobs.Where(j => !runsByJob[j.Id].Any(r => r.Attempt == j.Attempt)).Select(j => $"{j.Id} attempt {j.Attempt}").Take(5), Is.Empty, $"{report}The attempt that succeeded wrote its side effect.");
            Assert.That(effects.GroupBy(e => (e.JobId, e.Attempt)).Where(g => g.Count() > 1).Select(g => $"{g.Key.JobId} attempt {g.Key.Attempt} ran {g.Count()} times").Take(5), Is.Empty, $"{report}No job ran twice in one attempt.");
            Assert.That(effects.Select(e => e.ProcessId).Distinct(), Is.SubsetOf(processIds), $"{report}Only the test's hosts ran jobs.");
            Assert.That(jobs.Sum(j => j.Attempt - 1), Is.EqualTo(runningAtKills), $"{report}Each job running at a kill was recovered as its next attempt, and no other job was.");
            Assert.That(extraRuns, Is.LessThanOrEqualTo(runningAtKills), $"{report}Only jobs that were running at a kill ran again.");
            Assert.That(runningAtKills, Is.LessThanOrEqualTo(Workers * Kills), $"{report}A host holds at most one job per worker.");
        });
    }

    /// <summary>Polls the file until at least <paramref name="target"/> jobs have succeeded; the host must still be running.</summary>
    private static async Task WaitForSucceededAsync(CrashFiles files, TestHostProcess host, int target, StringBuilder report, CancellationToken ct)
    {
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (files.CountJobs().GetValueOrDefault(JobStatus.Succeeded) < target)
        {
            Assert.That(host.HasExited, Is.False, $"{report}The host exited before {target:N0} jobs had succeeded:\n{host.Output}");
            await poll.WaitForNextTickAsync(ct);
        }
    }
}
