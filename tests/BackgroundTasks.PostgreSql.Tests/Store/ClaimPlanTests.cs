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
        await FillAsync(schema, store, finished, ct);

        var plan = await ExplainClaimAsync(schema, store, ct);

        TestContext.Out.WriteLine($"Claim of 10 jobs with {finished:N0} finished rows and 20 queued:");
        TestContext.Out.WriteLine(plan);
        Assert.That(plan, Does.Contain("jobs_live"), "The claim reads the partial index of live jobs.");
        Assert.That(plan, Does.Not.Contain("Seq Scan"), "The claim never scans the table.");
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task ClaimSql_PreparedGenericPlanWithManyFinishedJobs_ReadsOnlyTheLiveIndex(CancellationToken ct)
    {
        // The store's pool prepares the claim; after five runs PostgreSQL may keep one generic plan, made without the values.
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        await FillAsync(schema, store, 100_000, ct);

        var positional = store.ClaimSql.Replace("@queue", "$1", StringComparison.Ordinal).Replace("@owner", "$2", StringComparison.Ordinal)
            .Replace("@max", "$3", StringComparison.Ordinal).Replace("@now", "$4", StringComparison.Ordinal).Replace("@lease_until", "$5", StringComparison.Ordinal);
        await using var connection = await schema.DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var prepare = new NpgsqlCommand($"SET LOCAL plan_cache_mode = force_generic_plan; PREPARE claim (text, text, integer, bigint, bigint) AS {positional}", connection, transaction))
        {
            await prepare.ExecuteNonQueryAsync(ct);
        }

        var lines = new List<string>();
        var now = TestJobs.Start.AddMinutes(1);
        await using (var explain = new NpgsqlCommand($"EXPLAIN (ANALYZE, BUFFERS, COSTS) EXECUTE claim ('default', 'host-a/1', 10, {now.UtcTicks}, {now.AddMinutes(1).UtcTicks})", connection, transaction))
        await using (var reader = await explain.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lines.Add(reader.GetString(0));
            }
        }

        // EXPLAIN ANALYZE ran the claim, and PREPARE lives as long as the session: undo both.
        await transaction.RollbackAsync(ct);
        await using (var deallocate = new NpgsqlCommand("DEALLOCATE claim", connection))
        {
            await deallocate.ExecuteNonQueryAsync(ct);
        }

        var plan = string.Join(Environment.NewLine, lines);
        TestContext.Out.WriteLine("Generic plan of a claim of 10 jobs with 100,000 finished rows and 20 queued:");
        TestContext.Out.WriteLine(plan);
        Assert.That(plan, Does.Contain("jobs_live"), "The generic plan reads the partial index of live jobs.");
        Assert.That(plan, Does.Not.Contain("Seq Scan"), "The generic plan never scans the table.");
        Assert.That(plan, Does.Contain("rows=10 loops=1"), "It claimed the ten jobs asked for.");
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task NextDueSql_LongBacklogOfQueuedJobs_ProbesTheLiveIndexOncePerPriority(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var now = TestJobs.Start.AddMinutes(1);
        await store.AddAsync(TestJobs.Scheduled(now.AddMinutes(5), priority: JobPriority.High), ct);
        await store.AddAsync(TestJobs.Scheduled(now.AddMinutes(3), priority: JobPriority.Low), ct);
        await schema.ScalarAsync(
            "INSERT INTO {0}.jobs (id, queue, priority, status, attempt, max_attempts, enqueued_at, due_at, progress_percent, cancel_reason) "
            + "SELECT lpad(to_hex(g), 32, '0'), 'default', 0, 1, 0, 1, g, g, 0, 0 FROM generate_series(1, 100000) AS g",
            ct);
        await schema.ScalarAsync("ANALYZE {0}.jobs", ct);

        await using var command = schema.DataSource.CreateCommand("EXPLAIN (ANALYZE, BUFFERS, COSTS) " + store.NextDueSql);
        command.Parameters.AddWithValue("queue", "default");
        command.Parameters.AddWithValue("owner", "host-a/1");
        command.Parameters.AddWithValue("now", now.UtcTicks);
        command.Parameters.AddWithValue("never", DateTimeOffset.MaxValue.UtcTicks);
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lines.Add(reader.GetString(0));
            }
        }

        var plan = string.Join(Environment.NewLine, lines);
        TestContext.Out.WriteLine("Next due time with 100,000 queued jobs and 2 delayed:");
        TestContext.Out.WriteLine(plan);
        Assert.That(plan, Does.Contain("jobs_live").And.Not.Contain("Seq Scan"));
        var buffers = int.Parse(System.Text.RegularExpressions.Regex.Match(plan, @"Buffers: shared hit=(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(buffers, Is.LessThan(50), "The look-up read the backlog rather than a few index pages per priority.");
        await using var value = schema.DataSource.CreateCommand(store.NextDueSql);
        value.Parameters.AddWithValue("queue", "default");
        value.Parameters.AddWithValue("owner", "host-a/1");
        value.Parameters.AddWithValue("now", now.UtcTicks);
        value.Parameters.AddWithValue("never", DateTimeOffset.MaxValue.UtcTicks);
        Assert.That(await value.ExecuteScalarAsync(ct), Is.EqualTo(now.AddMinutes(3).UtcTicks), "The earliest due time of any priority.");
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

    /// <summary>Adds 20 queued jobs through the store and <paramref name="finished"/> succeeded rows straight into the table, then analyzes it.</summary>
    private static async Task FillAsync(TestSchema schema, PostgreSqlJobStore store, int finished, CancellationToken ct)
    {
        for (var i = 0; i < 20; i++)
        {
            await store.AddAsync(TestJobs.Typed(), ct);
        }

        await schema.ScalarAsync(
            "INSERT INTO {0}.jobs (id, queue, priority, status, attempt, max_attempts, enqueued_at, due_at, progress_percent, cancel_reason, finished_at, retained_since) "
            + $"SELECT lpad(to_hex(g), 32, '0'), 'default', 0, 4, 1, 1, g, g, 100, 0, g, g FROM generate_series(1, {finished}) AS g",
            ct);
        await schema.ScalarAsync("ANALYZE {0}.jobs", ct);
    }
}
