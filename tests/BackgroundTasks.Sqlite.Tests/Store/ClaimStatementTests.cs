using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BackgroundTasks.Sqlite.Tests.Store;

/// <summary>The claim's statements are prepared once: SQLite re-prepares a statement whose LIMIT is a bound parameter every time it is bound.</summary>
public sealed class ClaimStatementTests
{
    // SQLITE_STMTSTATUS_REPREPARE: how many times SQLite prepared the statement again by itself.
    private const int StatementStatusReprepare = 5;

    [Test]
    [CancelAfter(60_000)]
    public async Task PromoteAndClaimSql_BoundAgainWithNewValues_AreNeverPreparedAgain(CancellationToken cancellationToken)
    {
        using var database = new TempDatabase();
        await using (var store = database.Open())
        {
            await store.AddManyAsync(Enumerable.Range(0, 10).Select(_ => TestJobs.Typed()).ToList(), cancellationToken);
        }

        using var connection = new SqliteConnection($"Data Source={database.Path};Pooling=False");
        connection.Open();
        foreach (var sql in new[] { SqliteJobStore.PromoteSqlFor(SqliteJobStore.PromoteBatch), SqliteJobStore.ClaimSqlFor(2) })
        {
            Assert.That(raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement), Is.EqualTo(raw.SQLITE_OK), raw.sqlite3_errmsg(connection.Handle).utf8_to_string());
            using (statement)
            {
                for (var run = 0; run < 3; run++)
                {
                    Bind(statement, "$queue", "default");
                    Bind(statement, "$owner", $"host/{run}");
                    Bind(statement, "$now", TestJobs.Start.AddSeconds(run).UtcTicks);
                    Bind(statement, "$lease_until", TestJobs.Start.AddSeconds(run + 15).UtcTicks);
                    Bind(statement, "$max", 2 + run); // none any more: a bound limit is what made SQLite prepare again
                    Bind(statement, "$promote", 1000 + run);
                    while (raw.sqlite3_step(statement) == raw.SQLITE_ROW)
                    {
                    }

                    Assert.That(raw.sqlite3_reset(statement), Is.EqualTo(raw.SQLITE_OK), raw.sqlite3_errmsg(connection.Handle).utf8_to_string());
                }

                Assert.That(raw.sqlite3_stmt_status(statement, StatementStatusReprepare, 0), Is.Zero, $"SQLite prepared this statement again after new bindings (a bound LIMIT does that): {sql}");
            }
        }
    }

    [Test]
    public void ClaimSqlFor_SameLimitTwice_ReturnsTheSameText()
    {
        var first = SqliteJobStore.ClaimSqlFor(3);
        var second = SqliteJobStore.ClaimSqlFor(3);
        Assert.That(second, Is.SameAs(first), "The writer keeps one prepared command per text.");
        Assert.That(first, Does.Contain("LIMIT 3)").And.Not.Contain("$max"));
    }

    private static void Bind(sqlite3_stmt statement, string name, string value)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, name);
        if (index > 0)
        {
            Assert.That(raw.sqlite3_bind_text(statement, index, value), Is.EqualTo(raw.SQLITE_OK));
        }
    }

    private static void Bind(sqlite3_stmt statement, string name, long value)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, name);
        if (index > 0)
        {
            Assert.That(raw.sqlite3_bind_int64(statement, index, value), Is.EqualTo(raw.SQLITE_OK));
        }
    }
}
