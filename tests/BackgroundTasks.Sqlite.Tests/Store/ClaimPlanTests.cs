using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite.Tests.Store;

/// <summary>The claim path scans live rows only: finished jobs never slow it down.</summary>
public sealed class ClaimPlanTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task ClaimSql_ManyFinishedJobs_UsesTheLiveIndexesAndNeverScansTheTable(CancellationToken cancellationToken)
    {
        using var database = new TempDatabase();
        await using var store = database.Open();
        var finished = Enumerable.Range(0, 50_000).Select(_ => TestJobs.Typed()).ToList();
        await store.AddManyAsync(finished, cancellationToken);
        using (var connection = Open(database.Path))
        {
            Execute(connection, "UPDATE bt_jobs SET status = 4, finished_at = enqueued_at, retained_since = enqueued_at");
            Execute(connection, "ANALYZE"); // the planner now knows the table is big and the live indexes are small
        }

        var live = TestJobs.Typed();
        await store.AddAsync(live, cancellationToken);

        using var reader = Open(database.Path);
        foreach (var (sql, index) in new[]
        {
            (SqliteJobStore.PromoteSqlFor(SqliteJobStore.PromoteBatch), "bt_jobs_waiting"),
            (SqliteJobStore.ClaimSqlFor(10), "bt_jobs_ready"),
            (SqliteJobStore.RenewSql, "bt_jobs_owned"),
        })
        {
            var plan = Explain(reader, sql);
            TestContext.Out.WriteLine($"{sql}\n  {string.Join("\n  ", plan)}");
            Assert.That(plan, Has.Some.Contain($"USING COVERING INDEX {index}").Or.Some.Contain($"USING INDEX {index}"), $"The statement reads {index}.");
            Assert.That(plan, Has.None.Match(@"^SCAN bt_jobs$"), "No statement scans the whole table.");
            Assert.That(plan, Has.None.Contain("bt_jobs_status").And.None.Contain("bt_jobs_finished"), "Finished rows are not on the claim path.");
        }

        var claimed = await store.ClaimAsync("default", "host-a", 10, TestJobs.Start.AddMinutes(1), TimeSpan.FromSeconds(15), cancellationToken);
        Assert.That(claimed.Select(r => r.Id), Is.EqualTo(new[] { live.Id }));
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Explain(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in new[] { "$queue", "$now", "$promote", "$owner", "$lease_until", "$max", "$until" })
        {
            command.Parameters.AddWithValue(name, name == "$queue" || name == "$owner" ? "default" : 1);
        }

        var plan = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }
}
