using BackgroundTasks.Testing;

namespace BackgroundTasks.Sqlite.Tests.Store;

public sealed class SqliteConformanceTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task VerifyAsync_SqliteStoreOnAFile_PassesEveryCheck(CancellationToken cancellationToken)
    {
        using var database = new TempDatabase();
        var report = await JobStoreConformance.VerifyAsync(() => new SqliteJobStore(database.Options(database.NewPath())), cancellationToken: cancellationToken);

        TestContext.Out.WriteLine(report);
        Assert.That(report.Passed, Is.True, report.ToString());
        Assert.That(report.Checks.Select(c => c.Outcome), Is.All.EqualTo(JobStoreCheckOutcome.Passed), "No check is skipped: results of common types round-trip.");
        Assert.That(report.StoreName, Is.EqualTo(nameof(SqliteJobStore)));
    }
}
