using System.Text.RegularExpressions;

namespace BackgroundTasks.Samples.Tests.ConsoleWorker;

/// <summary>Runs the main sample as CI does (output redirected) and reads its summary.</summary>
[CancelAfter(60_000)]
public sealed partial class ConsoleWorkerTests
{
    [Test]
    public async Task Run_RedirectedOutput_EndsByItselfWithSummaryOfEveryJob(CancellationToken cancellationToken)
    {
        using var worker = ConsoleWorkerProcess.Start();

        var exitCode = await worker.WaitForExitAsync(cancellationToken);

        var output = worker.Output;
        Assert.That(exitCode, Is.Zero, output);
        var escape = output.IndexOf('\u001b', StringComparison.Ordinal);
        Assert.That(escape, Is.EqualTo(-1), () => $"redirected output must be plain text, without escape codes; found one in: {output.Substring(Math.Max(0, escape - 40), Math.Min(80, output.Length - Math.Max(0, escape - 40))).Replace("\u001b", "ESC", StringComparison.Ordinal)}");
        Assert.That(output, Does.Not.Contain("stderr:"), output);
        var rows = SummaryRows(output);
        Assert.Multiple(() =>
        {
            Assert.That(rows.Keys, Is.EquivalentTo(new[] { "report-january", "report-february", "report-march", "prime-count", "flaky-import", "legacy-import", "export-archive" }), output);
            foreach (var report in new[] { "report-january", "report-february", "report-march" })
            {
                Assert.That(rows[report], Does.Match(@"^reports\s+Succeeded\s+1\s"), report);
            }

            Assert.That(rows["prime-count"], Does.Match(@"Succeeded\s+1\s.*664,579 primes below 10,000,000"), "the data-parallel job's result");
            Assert.That(rows["flaky-import"], Does.Match(@"Succeeded\s+3\s.*after 2 failed attempt"), "failed twice, then retried to success");
            Assert.That(rows["legacy-import"], Does.Match(@"Failed\s+2\s.*supplier API"), "failed on every attempt");
            Assert.That(rows["export-archive"], Does.Match(@"Cancelled\s+1\s.*cancelled at 3\d%"), "cancelled by id at 30%");
            Assert.That(rows.Values, Has.All.Match(@"\s-\s"), "no shutdown happened while jobs ran");
        });
    }

    [Test]
    public async Task Run_InterruptedWhileJobsRun_DrainsOrCancelsEachAndExitsZero(CancellationToken cancellationToken)
    {
        using var worker = ConsoleWorkerProcess.Start();
        await worker.WaitForLineAsync(line => line.Contains("export-archive   Running", StringComparison.Ordinal)).WaitAsync(cancellationToken);

        worker.Interrupt();
        var exitCode = await worker.WaitForExitAsync(cancellationToken);

        var output = worker.Output;
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("Stopping: running jobs get 2 s to finish"), output);
        var rows = SummaryRows(output);
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(7), output);

            // A 10 s export cannot finish within the 2 s drain: the shutdown cancels it.
            Assert.That(rows["export-archive"], Does.Match(@"Cancelled\s+\d+\s+\S+ s\s+cancelled\s"), output);
            foreach (var (job, row) in rows)
            {
                Assert.That(row, Does.Match(@"(Succeeded|Failed)\s+\d+\s+\S+ s\s+(drained|-)\s|Cancelled\s+\d+\s+\S+ s\s+cancelled\s"), $"{job} should be drained or cancelled");
            }
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
