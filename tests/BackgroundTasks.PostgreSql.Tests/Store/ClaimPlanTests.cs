using Npgsql;

namespace BackgroundTasks.PostgreSql.Tests.Store;

/// <summary>The claim reads only live rows: its plan and its cost do not grow with the finished jobs the table keeps.</summary>
public sealed class ClaimPlanTests
{
    /// <summary>Set to a number of finished rows (for example 1000000) to print the plan at that size.</summary>
    private const string RowsVariable = "BACKGROUNDTASKS_CLAIM_PLAN_ROWS";

    [Test]
    [CancelAfter(300_000)]
    public async Task ClaimSql_ManyFinishedJobs_ReadsOnlyTheLiveIndexAndAFewBuffers(CancellationToken ct)
    {
        var finished = int.TryParse(Environment.GetEnvironmentVariable(RowsVariable), out var rows) ? rows : 100_000;
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        for (var i = 0; i < 20; i++)
        {
            await store.AddAsync(TestJobs.Typed(), ct);
        }

        await schema.ScalarAsync(
            "INSERT INTO {0}.jobs (id, queue, priority, status, attempt, max_attempts, enqueued_at, due_at, progress_percent, cancel_reason, finished_at, retained_since) "
            + $"SELECT lpad(to_hex(g), 32, '0'), 'default', 0, 4, 1, 1, g, g, 100, 0, g, g FROM generate_series(1, {finished}) AS g",
            ct);
        await schema.ScalarAsync("ANALYZE {0}.jobs", ct);

        var plan = await ExplainClaimAsync(schema, store, ct);

        TestContext.Out.WriteLine($"Claim of 10 jobs with {finished:N0} finished rows and 20 queued:");
        TestContext.Out.WriteLine(plan);
        Assert.That(plan, Does.Contain("jobs_live"), "The claim reads the partial index of live jobs.");
        Assert.That(plan, Does.Not.Contain("Seq Scan"), "The claim never scans the table.");
    }

    private static async Task<string> ExplainClaimAsync(TestSchema schema, PostgreSqlJobStore store, CancellationToken ct)
    {
        await using var connection = await schema.DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS) " + store.ClaimSql, connection, transaction);
        command.Parameters.AddWithValue("queue", "default");
        command.Parameters.AddWithValue("owner", "host-a/1");
        command.Parameters.AddWithValue("max", 10);
        command.Parameters.AddWithValue("now", TestJobs.Start.AddMinutes(1).UtcTicks);
        command.Parameters.AddWithValue("lease_until", TestJobs.Start.AddMinutes(2).UtcTicks);
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lines.Add(reader.GetString(0));
            }
        }

        // EXPLAIN ANALYZE ran the claim: undo it.
        await transaction.RollbackAsync(ct);
        return string.Join(Environment.NewLine, lines);
    }
}
