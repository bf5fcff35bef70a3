using System.Globalization;

namespace BackgroundTasks.Sqlite.Tests.Crash;

/// <summary>Issue 14's two processes on one file: two hosts (each with a name of its own) enqueue and claim at once.</summary>
[CancelAfter(120_000)]
public sealed class TwoProcessTests
{
    private TempDatabase _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = new TempDatabase();

    [TearDown]
    public void DeleteDirectory() => _directory.Dispose();

    [Test]
    public async Task TwoHostProcessesOnOneFile_BothEnqueueAndClaim_EveryJobRunsOnceAndAllFinish(CancellationToken ct)
    {
        const int PerHost = 2_500;
        var files = new CrashFiles(_directory.Directory);
        // A long lease: a host stalled for seconds on a loaded machine must not lose its jobs to the other one here,
        // where every job is expected to run exactly once (recovery between hosts has tests of its own).
        string[] settings = ["--workers", "8", "--work-ms", "2", "--poll-ms", "50", "--lease-ms", "60000", "--expect", (2 * PerHost).ToString(CultureInfo.InvariantCulture)];

        using var first = TestHostProcess.Start(files.Directory, files.HostArguments($"enqueue {PerHost}", "host-a", [.. settings, "--first-key", "0"]));
        using var second = TestHostProcess.Start(files.Directory, files.HostArguments($"enqueue {PerHost}", "host-b", [.. settings, "--first-key", PerHost.ToString(CultureInfo.InvariantCulture)]));
        var exitCodes = await Task.WhenAll(first.WaitForExitAsync(ct), second.WaitForExitAsync(ct));

        Assert.That(exitCodes, Is.All.Zero, $"host-a:\n{first.Output}\nhost-b:\n{second.Output}");
        var jobs = files.ReadJobs();
        var effects = files.ReadEffects();
        var byHost = effects.GroupBy(e => e.Host).ToDictionary(g => g.Key, g => g.Count());
        await TestContext.Progress.WriteLineAsync($"{jobs.Count:N0} jobs: host-a ran {byHost.GetValueOrDefault("host-a"):N0}, host-b ran {byHost.GetValueOrDefault("host-b"):N0}");
        Assert.Multiple(() =>
        {
            Assert.That(jobs, Has.Count.EqualTo(2 * PerHost));
            Assert.That(jobs.Select(j => j.Key).Distinct().Count(), Is.EqualTo(2 * PerHost), "Every key was enqueued once.");
            Assert.That(jobs.Where(j => (j.Status, j.Attempt) != (JobStatus.Succeeded, 1)).Select(j => $"{j.Id} {j.Status} attempt {j.Attempt}: {j.Error}").Take(5), Is.Empty, "Every job succeeded on its first attempt.");
            Assert.That(effects.GroupBy(e => (e.JobId, e.Attempt)).Where(g => g.Count() > 1).Select(g => $"{g.Key.JobId} attempt {g.Key.Attempt}: {string.Join(", ", g.Select(e => e.Host))}").Take(5), Is.Empty, "No job ran twice in one attempt.");
            Assert.That(effects, Has.Count.EqualTo(2 * PerHost), "Every job ran once.");
            Assert.That(byHost.Keys, Is.EquivalentTo(new[] { "host-a", "host-b" }), "Both hosts claimed jobs from the shared file.");
        });
    }
}
