using BackgroundTasks.Testing;

namespace BackgroundTasks.PostgreSql.Tests.Store;

public sealed class PostgreSqlConformanceTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task VerifyAsync_PostgreSqlStoreInItsOwnSchema_PassesEveryCheck(CancellationToken cancellationToken)
    {
        await using var schema = new TestSchema();
        var stores = new List<PostgreSqlJobStore>();
        var report = await JobStoreConformance.VerifyAsync(
            () =>
            {
                // Every store the kit asks for starts on an empty table.
                var store = schema.Open();
                stores.Add(store);
                _ = schema.ScalarAsync("TRUNCATE {0}.jobs").GetAwaiter().GetResult();
                return store;
            },
            cancellationToken: cancellationToken);
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        TestContext.Out.WriteLine(report);
        Assert.That(report.Passed, Is.True, report.ToString());
        Assert.That(report.Checks.Select(c => c.Outcome), Is.All.EqualTo(JobStoreCheckOutcome.Passed), "No check is skipped: results of common types round-trip.");
        Assert.That(report.StoreName, Is.EqualTo(nameof(PostgreSqlJobStore)));
    }
}
