using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace BackgroundTasks.PostgreSql.Tests.Store;

[CancelAfter(60_000)]
public sealed class StartupTests
{
    [Test]
    public async Task Constructor_NewSchema_CreatesItAndRecordsItsVersion_AndASecondStoreMigratesNothing(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using (var first = schema.Open())
        {
            Assert.That(first.SchemaVersionFound, Is.Zero);
        }

        await using var second = schema.Open();

        Assert.That(second.SchemaVersionFound, Is.EqualTo(PostgreSqlSchema.CurrentVersion));
        Assert.That(await schema.ScalarAsync("SELECT count(*) FROM {0}.schema_version", ct), Is.EqualTo((long)PostgreSqlSchema.CurrentVersion));
    }

    [Test]
    public async Task Constructor_VersionOneSchema_AddsUniqueKeysContinuationsAndAttemptSettingsAndKeepsItsJobs(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var old = TestJobs.Typed();
        await using (var store = schema.Open())
        {
            await store.AddAsync(old, ct);
        }

        // The schema as version 1 left it: no unique keys, no continuations, no attempt settings of the job's own.
        await schema.ScalarAsync(
            """
            DROP TRIGGER jobs_ended ON {0}.jobs; DROP TRIGGER jobs_continuation_added ON {0}.jobs;
            DROP FUNCTION {0}.job_ended(); DROP FUNCTION {0}.continuation_added(); DROP FUNCTION {0}.settle_continuations(text, smallint, bigint, bigint, text);
            ALTER TABLE {0}.jobs DROP COLUMN unique_key, DROP COLUMN continue_after, DROP COLUMN continue_when, DROP COLUMN timeout_ticks,
                DROP COLUMN backoff_initial_ticks, DROP COLUMN backoff_max_ticks, DROP COLUMN backoff_multiplier, DROP COLUMN backoff_jitter;
            DELETE FROM {0}.schema_version WHERE version > 1;
            """,
            ct);

        var unique = TestJobs.Typed() with { UniqueKey = "invoice:42" };
        var next = TestJobs.Typed() with { Status = JobStatus.Scheduled, ScheduledAt = DateTimeOffset.MaxValue, ContinueAfter = old.Id, Timeout = TimeSpan.FromMinutes(2), Backoff = new RetryBackoff { Multiplier = 4 } };
        await using (var migrated = schema.Open())
        {
            Assert.That(migrated.SchemaVersionFound, Is.EqualTo(1));
            Assert.That(await migrated.GetAsync(old.Id, ct), Is.EqualTo(old), "A job written before the migration reads back whole, with no key and continuing nothing.");
            Assert.That(await migrated.AddUniqueAsync(unique, finishedSince: null, ct), Is.EqualTo(unique.Id));
            Assert.That(await migrated.AddUniqueAsync(TestJobs.Typed() with { UniqueKey = "invoice:42" }, finishedSince: null, ct), Is.EqualTo(unique.Id));
            await migrated.AddAsync(next, ct);
            Assert.That(await migrated.GetAsync(next.Id, ct), Is.EqualTo(next), "It waits for the job it continues.");
            await migrated.TransitionAsync(old.Id, new JobTransition(JobStatus.Succeeded, 1, TestJobs.Start.AddSeconds(1)), ct);
            Assert.That((await migrated.GetAsync(next.Id, ct))!.Status, Is.EqualTo(JobStatus.Queued), "The old job's end releases it.");
        }

        await using var reopened = schema.Open();
        Assert.That(reopened.SchemaVersionFound, Is.EqualTo(PostgreSqlSchema.CurrentVersion));
        Assert.That(await reopened.GetAsync(unique.Id, ct), Is.EqualTo(unique));
    }

    [Test]
    public async Task Constructor_SchemaNewerThanThePackage_ThrowsNamingTheSchemaAndTheFix(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using (schema.Open())
        {
        }

        await schema.ScalarAsync("INSERT INTO {0}.schema_version VALUES (99, now())", ct);

        Assert.That(() => schema.Open(), Throws.InvalidOperationException.With.Message.Contains($"\"{schema.Name}\" has version 99").And.Message.Contains("Upgrade the BackgroundTasks.PostgreSql package"));
    }

    [Test]
    public void Constructor_ServerNotListening_ThrowsNamingTheServerAndTheFix()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Port = 1, Timeout = 2 };
        using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);

        Assert.That(
            () => new PostgreSqlJobStore(dataSource),
            Throws.InvalidOperationException.With.Message.Contains("Cannot open the job store in PostgreSQL").And.Message.Contains("Port=1").And.Message.Contains("Check the connection string"));
    }

    [Test]
    public void Options_SchemaThatIsNoPlainIdentifier_ThrowsNamingTheOption()
    {
        using var dataSource = NpgsqlDataSource.Create(PostgresServer.ConnectionString);

        Assert.That(
            () => new PostgreSqlJobStore(dataSource, new PostgreSqlJobStoreOptions { Schema = "jobs; DROP TABLE x" }),
            Throws.ArgumentException.With.Message.Contains("PostgreSqlJobStoreOptions.Schema"));
    }

    [Test]
    public async Task HostStart_WrongPassword_FailsStartUpWithAClearMessage(CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { Username = "no_such_user_" + Guid.NewGuid().ToString("N")[..6], Password = "wrong" };
        var hostBuilder = Host.CreateApplicationBuilder();
        hostBuilder.Services.AddBackgroundJobs().UseNpgsql(builder.ConnectionString);
        using var host = hostBuilder.Build();

        Assert.That(
            async () => await host.StartAsync(ct),
            Throws.InvalidOperationException.With.Message.Contains("Cannot open the job store in PostgreSQL").And.Message.Contains(builder.Username));
    }

    [Test]
    public void UseNpgsql_InvalidConnectionString_ThrowsAtOnce()
    {
        var services = new ServiceCollection();

        Assert.That(() => services.AddBackgroundJobs().UseNpgsql("this is not; a=connection string"), Throws.ArgumentException.With.Message.Contains("UseNpgsql"));
    }

    [Test]
    public async Task UseNpgsql_DataSourceFromTheContainer_IsUsedAndNotDisposed(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        var hostBuilder = Host.CreateApplicationBuilder();
        hostBuilder.Services.AddSingleton(schema.DataSource);
        hostBuilder.Services.AddBackgroundJobs().UseNpgsql(o => o.Schema = schema.Name);
        using (var host = hostBuilder.Build())
        {
            await host.StartAsync(ct);
            var id = await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync(_ => Task.CompletedTask, cancellationToken: ct);
            var record = await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, ct);
            Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
            await host.StopAsync(ct);
        }

        Assert.That(await schema.ScalarAsync("SELECT count(*) FROM {0}.jobs", ct), Is.EqualTo(1L), "The data source still works after the host is gone.");
    }
}
