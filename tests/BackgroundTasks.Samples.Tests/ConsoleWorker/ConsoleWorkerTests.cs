using System.Text.RegularExpressions;

namespace BackgroundTasks.Samples.Tests.ConsoleWorker;

/// <summary>Runs the main sample as CI does (output redirected), each test on a SQLite file of its own, and reads its summary.</summary>
[CancelAfter(120_000)]
public sealed partial class ConsoleWorkerTests
{
    private static readonly string[] s_jobs = ["report-january", "report-february", "report-march", "prime-count", "flaky-import", "legacy-import", "export-archive"];

    private DirectoryInfo _directory = null!;

    private string Database => Path.Combine(_directory.FullName, "jobs.db");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("consoleworker-");

    [TearDown]
    public void DeleteDirectory() => _directory.Delete(recursive: true);

    [Test]
    public async Task Run_RedirectedOutput_EndsByItselfWithSummaryOfEveryJob(CancellationToken cancellationToken)
    {
        using var worker = ConsoleWorkerProcess.Start("--db", Database);

        var exitCode = await worker.WaitForExitAsync(cancellationToken);

        var output = worker.Output;
        Assert.That(exitCode, Is.Zero, output);
        var escape = output.IndexOf('\u001b', StringComparison.Ordinal);
        Assert.That(escape, Is.EqualTo(-1), () => $"redirected output must be plain text, without escape codes; found one in: {output.Substring(Math.Max(0, escape - 40), Math.Min(80, output.Length - Math.Max(0, escape - 40))).Replace("\u001b", "ESC", StringComparison.Ordinal)}");
        Assert.That(output, Does.Not.Contain("stderr:"), output);
        Assert.That(output, Does.Contain($"Jobs are kept in {Database}").And.Not.Contain("Recovered"), output);
        var rows = SummaryRows(output);
        Assert.Multiple(() =>
        {
            Assert.That(rows.Keys, Is.EquivalentTo(s_jobs), output);
            foreach (var report in new[] { "report-january", "report-february", "report-march" })
            {
                Assert.That(rows[report], Does.Match(@"^reports\s+Succeeded\s+1\s"), report);
            }

            Assert.That(rows["prime-count"], Does.Match(@"Succeeded\s+1\s.*664,579 primes below 10,000,000"), "the data-parallel job's result");
            Assert.That(rows["flaky-import"], Does.Match(@"Succeeded\s+3\s.*on attempt 3 of 3"), "failed twice, then retried to success");
            Assert.That(rows["legacy-import"], Does.Match(@"Failed\s+2\s.*supplier API"), "failed on every attempt");
            Assert.That(rows["export-archive"], Does.Match(@"Cancelled\s+1\s.*cancelled at 3\d%"), "cancelled by id at 30%");
            Assert.That(rows.Values, Has.All.Match(@"\s-\s"), "no shutdown happened while jobs ran");
        });
    }

    [Test]
    public async Task Run_InterruptedWhileJobsRun_LeavesTheUnfinishedJobsInTheFile_AndTheNextRunFinishesThem(CancellationToken cancellationToken)
    {
        Dictionary<string, string> left;
        using (var worker = ConsoleWorkerProcess.Start("--db", Database))
        {
            await worker.WaitForLineAsync(line => line.Contains("export-archive   Running", StringComparison.Ordinal)).WaitAsync(cancellationToken);

            worker.Interrupt();
            var exitCode = await worker.WaitForExitAsync(cancellationToken);

            var output = worker.Output;
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("Stopping: running jobs get 2 s to finish; the rest stay in the file"), output);
            var rows = SummaryRows(output);
            Assert.Multiple(() =>
            {
                Assert.That(rows.Keys, Is.EquivalentTo(s_jobs), output);

                // A 10 s export cannot finish within the 2 s drain: it goes back to the file, due at once.
                Assert.That(rows["export-archive"], Does.Match(@"Retrying\s+1\s+\S+ s\s+left\s"), output);
                foreach (var (job, row) in rows)
                {
                    Assert.That(row, Does.Match(@"(Succeeded|Failed|Cancelled)\s+\d+\s+\S+ s\s+(drained|-)\s|(Queued|Retrying)\s+\d+\s+\S+ s\s+left\s"), $"{job} should have ended or be left in the file");
                }
            });
            left = rows.Where(r => Regex.IsMatch(r.Value, @"\sleft\s")).ToDictionary();
        }

        using var next = ConsoleWorkerProcess.Start("--db", Database);
        var nextExitCode = await next.WaitForExitAsync(cancellationToken);

        var nextOutput = next.Output;
        Assert.That(nextExitCode, Is.Zero, nextOutput);
        Assert.That(nextOutput, Does.Contain($"Recovered {left.Count} unfinished job(s) from the last run"), nextOutput);
        Assert.That(nextOutput, Does.Contain("export-archive   was given back when the last run stopped during attempt 1: runs again as attempt 2"), nextOutput);
        var nextRows = SummaryRows(nextOutput);
        Assert.Multiple(() =>
        {
            Assert.That(nextRows.Keys, Is.EquivalentTo(left.Keys), "the next run finishes exactly the jobs the first one left");
            Assert.That(nextRows.Values, Has.All.Match(@"^\S+\s+(Succeeded|Failed|Cancelled)\s.*\s-\s"), nextOutput);
            Assert.That(nextRows["export-archive"], Does.Match(@"Cancelled\s+2\s.*cancelled at 3\d%"), "its second attempt is cancelled by id at 30%");
        });
    }

    [Test]
    public async Task Run_KilledWhileJobsRun_TheNextRunRecoversTheRunningJobsAsTheirNextAttempt(CancellationToken cancellationToken)
    {
        using (var worker = ConsoleWorkerProcess.Start("--db", Database))
        {
            await worker.WaitForLineAsync(line => line.Contains("report-january   Running     25%", StringComparison.Ordinal)).WaitAsync(cancellationToken);
            await worker.KillAsync(cancellationToken);
        }

        using var next = ConsoleWorkerProcess.Start("--db", Database);
        var exitCode = await next.WaitForExitAsync(cancellationToken);

        var output = next.Output;
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Match(@"Recovered \d unfinished job\(s\) from the last run"), output);
        Assert.That(output, Does.Contain("report-january   was running attempt 1 of 3 when the last run was killed: runs again as attempt 2"), output);
        var rows = SummaryRows(output);
        Assert.Multiple(() =>
        {
            Assert.That(rows["report-january"], Does.Match(@"^reports\s+Succeeded\s+2\s.*20 pages \(on attempt 2 of 3\)"), output);
            Assert.That(rows.Values, Has.All.Match(@"^\S+\s+(Succeeded|Failed|Cancelled)\s"), output);
        });
    }

    /// <summary>The rows after the "Summary" heading, by job name, without the name.</summary>
    private static Dictionary<string, string> SummaryRows(string output)
    {
        var summary = output.IndexOf("\nSummary\n", StringComparison.Ordinal);
        Assert.That(summary, Is.GreaterThanOrEqualTo(0), $"no summary in the output:\n{output}");
        return output[summary..].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(2)
            .Select(line => RowPattern().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups["job"].Value, match => match.Groups["rest"].Value);
    }

    [GeneratedRegex(@"^(?<job>\S+)\s+(?<rest>.*)$")]
    private static partial Regex RowPattern();
}
