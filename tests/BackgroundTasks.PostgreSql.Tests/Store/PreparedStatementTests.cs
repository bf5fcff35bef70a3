using Npgsql;

namespace BackgroundTasks.PostgreSql.Tests.Store;

/// <summary>
/// The pool <c>UseNpgsql(connectionString)</c> makes prepares the store's statements: planning the claim and the terminal
/// UPDATE at every use cost the server more than running them.
/// </summary>
[CancelAfter(60_000)]
public sealed class PreparedStatementTests
{
    [Test]
    public void Create_ConnectionStringWithoutMaxAutoPrepare_PreparesStatementsAndSkipsTheReset()
    {
        var connection = StoreConnectionString.Create("Host=db;Database=app;Username=app");

        Assert.That(connection.MaxAutoPrepare, Is.EqualTo(StoreConnectionString.MaxAutoPrepare));
        Assert.That(connection.NoResetOnClose, Is.True);
        Assert.That(connection.Host, Is.EqualTo("db"), "The user's settings stay.");
    }

    [TestCase("Max Auto Prepare=0", 0)]
    [TestCase("max auto prepare=5", 5)]
    [TestCase("MaxAutoPrepare=7", 7)]
    public void Create_ConnectionStringThatSetsMaxAutoPrepare_KeepsItsValue(string setting, int expected)
    {
        var connection = StoreConnectionString.Create("Host=db;Database=app;" + setting);

        Assert.That(connection.MaxAutoPrepare, Is.EqualTo(expected), "A user behind a pooler that keeps no prepared statements turns them off with 0.");
    }

    [Test]
    public async Task Writes_ThroughTheStoresOwnPool_RunAsPreparedStatements(CancellationToken ct)
    {
        await using var schema = new TestSchema();

        // One connection, and no listener (poll-only): the connection the test opens last is the one the store used.
        var connectionString = new NpgsqlConnectionStringBuilder(StoreConnectionString.Create(schema.ConnectionString).ConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var store = new PostgreSqlJobStore(dataSource, schema.Options(o => o.PollOnly = true)))
        {
            var durable = (IDurableJobStore)store;
            for (var i = 0; i < 8; i++)
            {
                var job = TestJobs.Typed();
                await store.AddAsync(job, ct);
                var claimed = (await store.ClaimAsync("default", "host-a/1", 1, TestJobs.Start.AddMinutes(1), ct)).Single();
                var ended = await durable.TransitionAsync(claimed.Id, new JobTransition(JobStatus.Succeeded, 1, TestJobs.Start.AddMinutes(2)), "host-a/1", ct);
                Assert.That(ended.IsRecorded, Is.True);
            }
        }

        var prepared = new List<string>();
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            await using var command = new NpgsqlCommand("SELECT statement FROM pg_prepared_statements", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                prepared.Add(reader.GetString(0));
            }
        }

        var all = string.Join(Environment.NewLine, prepared);
        Assert.That(prepared, Has.Some.StartsWith("INSERT INTO"), "The insert is prepared. Prepared: " + all);
        Assert.That(prepared, Has.Some.Contains("FOR UPDATE SKIP LOCKED"), "The claim is prepared. Prepared: " + all);
        Assert.That(prepared, Has.Some.StartsWith("UPDATE").And.Contains("SET status = 4"), "The terminal UPDATE is prepared. Prepared: " + all);
    }
}
