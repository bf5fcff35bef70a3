using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite.Tests.Store;

/// <summary>Opening a file: the schema is created or migrated, and a file that cannot be used stops start-up with a message that names it and the fix.</summary>
public sealed class StartupTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task Constructor_NewFile_CreatesTheSchemaInWalModeAndRecordsItsVersion()
    {
        await using (var store = _database.Open())
        {
            Assert.That(store.SchemaVersionFound, Is.Zero);
        }

        await using (var reopened = _database.Open())
        {
            Assert.That(reopened.SchemaVersionFound, Is.EqualTo(SqliteSchema.CurrentVersion), "Reopening migrates nothing.");
        }

        using var connection = Open(_database.Path);
        Assert.That(Scalar(connection, "PRAGMA journal_mode"), Is.EqualTo("wal"));
        Assert.That(Scalar(connection, "SELECT group_concat(version) FROM bt_schema"), Is.EqualTo(string.Join(",", Enumerable.Range(1, SqliteSchema.CurrentVersion))), "Every version's step is recorded once, in order.");
    }

    [Test]
    public async Task Constructor_VersionOneFile_AddsTheTraceColumnsAndKeepsItsJobs()
    {
        var old = TestJobs.Typed();
        await using (var store = _database.Open())
        {
            await store.AddAsync(old);
        }

        // The file as version 1 left it: no trace columns, one version recorded.
        using (var connection = Open(_database.Path))
        {
            Scalar(connection, DowngradeToVersion2 + "ALTER TABLE bt_jobs DROP COLUMN trace_parent; ALTER TABLE bt_jobs DROP COLUMN trace_state; DELETE FROM bt_schema WHERE version > 1");
        }

        var traced = TestJobs.Typed() with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TraceState = "congo=t61rcWkgMzE" };
        await using (var migrated = _database.Open())
        {
            Assert.That(migrated.SchemaVersionFound, Is.EqualTo(1));
            Assert.That(await migrated.GetAsync(old.Id), Is.EqualTo(old), "A job written before the migration reads back whole, with no trace context.");
            await migrated.AddAsync(traced);
        }

        await using var reopened = _database.Open();
        Assert.That(reopened.SchemaVersionFound, Is.EqualTo(SqliteSchema.CurrentVersion));
        Assert.That(await reopened.GetAsync(traced.Id), Is.EqualTo(traced));
    }

    [Test]
    public async Task Constructor_VersionTwoFile_AddsTheUniqueKeyColumnAndIndexAndKeepsItsJobs()
    {
        var old = TestJobs.Typed();
        await using (var store = _database.Open())
        {
            await store.AddAsync(old);
        }

        // The file as version 2 left it: no unique keys.
        using (var connection = Open(_database.Path))
        {
            Scalar(connection, DowngradeToVersion2 + "DELETE FROM bt_schema WHERE version > 2");
        }

        var unique = TestJobs.Typed() with { UniqueKey = "invoice:42" };
        await using (var migrated = _database.Open())
        {
            Assert.That(migrated.SchemaVersionFound, Is.EqualTo(2));
            Assert.That(await migrated.GetAsync(old.Id), Is.EqualTo(old), "A job written before the migration reads back whole, with no key.");
            Assert.That(await migrated.AddUniqueAsync(unique, finishedSince: null), Is.EqualTo(unique.Id));
            Assert.That(await migrated.AddUniqueAsync(TestJobs.Typed() with { UniqueKey = "invoice:42" }, finishedSince: null), Is.EqualTo(unique.Id));
        }

        await using var reopened = _database.Open();
        Assert.That(reopened.SchemaVersionFound, Is.EqualTo(SqliteSchema.CurrentVersion));
        Assert.That(await reopened.GetAsync(unique.Id), Is.EqualTo(unique));
        using var check = Open(_database.Path);
        Assert.That(Scalar(check, "SELECT count(*) FROM sqlite_master WHERE name = 'bt_jobs_unique_live' AND sql LIKE '%UNIQUE%'"), Is.EqualTo(1L));
    }

    [Test]
    public async Task Constructor_VersionThreeFile_AddsTheContinuationColumnsAndKeepsItsJobs()
    {
        var parent = TestJobs.Typed();
        await using (var store = _database.Open())
        {
            await store.AddAsync(parent);
        }

        // The file as version 3 left it: no continuations.
        using (var connection = Open(_database.Path))
        {
            Scalar(connection, DowngradeToVersion3 + "DELETE FROM bt_schema WHERE version > 3");
        }

        var next = TestJobs.Typed() with { Status = JobStatus.Scheduled, ScheduledAt = DateTimeOffset.MaxValue, ContinueAfter = parent.Id, ContinueWhen = JobContinuation.Finished };
        await using (var migrated = _database.Open())
        {
            Assert.That(migrated.SchemaVersionFound, Is.EqualTo(3));
            Assert.That(await migrated.GetAsync(parent.Id), Is.EqualTo(parent), "A job written before the migration reads back whole, continuing nothing.");
            await migrated.AddAsync(next);
            Assert.That(await migrated.GetAsync(next.Id), Is.EqualTo(next), "It waits for the job it continues.");
        }

        await using var reopened = _database.Open();
        Assert.That(reopened.SchemaVersionFound, Is.EqualTo(SqliteSchema.CurrentVersion));
        Assert.That(await reopened.GetAsync(next.Id), Is.EqualTo(next));
    }

    [Test]
    public async Task Constructor_VersionFourFile_AddsTheAttemptSettingColumnsAndKeepsItsJobs()
    {
        var old = TestJobs.Typed();
        await using (var store = _database.Open())
        {
            await store.AddAsync(old);
        }

        // The file as version 4 left it: no timeout or back-off of the job's own.
        using (var connection = Open(_database.Path))
        {
            Scalar(connection, DowngradeToVersion4 + "DELETE FROM bt_schema WHERE version > 4");
        }

        var timed = TestJobs.Typed() with { Timeout = TimeSpan.FromSeconds(30), Backoff = new RetryBackoff { InitialDelay = TimeSpan.FromSeconds(2), Multiplier = 3 } };
        await using (var migrated = _database.Open())
        {
            Assert.That(migrated.SchemaVersionFound, Is.EqualTo(4));
            Assert.That(await migrated.GetAsync(old.Id), Is.EqualTo(old), "A job written before the migration reads back whole, with the queue's settings.");
            await migrated.AddAsync(timed);
        }

        await using var reopened = _database.Open();
        Assert.That(reopened.SchemaVersionFound, Is.EqualTo(SqliteSchema.CurrentVersion));
        Assert.That(await reopened.GetAsync(timed.Id), Is.EqualTo(timed));
    }

    [Test]
    public async Task Constructor_PlainFilePath_IsAcceptedAsWellAsAConnectionString()
    {
        var path = _database.NewPath();
        await using (var store = new SqliteJobStore(new SqliteJobStoreOptions { ConnectionString = path }))
        {
            await store.AddAsync(TestJobs.Typed());
            Assert.That(store.FilePath, Is.EqualTo(path));
        }

        Assert.That(File.Exists(path), Is.True);
    }

    [Test]
    public async Task Constructor_SchemaNewerThanThePackage_ThrowsNamingTheFileAndTheFix()
    {
        await using (_database.Open())
        {
        }

        using (var connection = Open(_database.Path))
        {
            Scalar(connection, "INSERT INTO bt_schema (version, applied_at) VALUES (99, 'later')");
        }

        var exception = Assert.Throws<InvalidOperationException>(() => _database.Open());

        Assert.That(exception!.Message, Does.Contain($"'{_database.Path}'").And.Contain("schema version 99").And.Contain($"versions up to {SqliteSchema.CurrentVersion}").And.Contain("Upgrade the BackgroundTasks.Sqlite package"));
    }

    [Test]
    public void Constructor_FileThatIsNotADatabase_ThrowsNamingTheFileAndTheFix()
    {
        File.WriteAllBytes(_database.Path, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251))]);

        var exception = Assert.Throws<InvalidOperationException>(() => _database.Open());

        Assert.That(exception!.Message, Does.Contain($"'{_database.Path}'").And.Contain("is not a SQLite database, or it is corrupt").And.Contain("Move it away or delete it"));
        Assert.That(exception.InnerException, Is.InstanceOf<SqliteException>());
    }

    [Test]
    public void Constructor_PathUnderARegularFile_ThrowsNamingThePathAndTheFix()
    {
        // A directory that cannot exist, even for root: its parent is a regular file.
        var file = Path.Combine(_database.Directory, "not-a-directory");
        File.WriteAllText(file, "plain text");
        var path = Path.Combine(file, "jobs.db");

        var exception = Assert.Throws<InvalidOperationException>(() => new SqliteJobStore(_database.Options(path)));

        Assert.That(exception!.Message, Does.Contain($"'{path}'").And.Contain("Cannot open or create").And.Contain("Check that its directory exists"));
    }

    [Test]
    public async Task Constructor_ReadOnlyDatabase_ThrowsNamingTheFileAndTheFix()
    {
        await using (_database.Open())
        {
        }

        var options = _database.Options();
        options.ConnectionString += ";Mode=ReadOnly";

        var exception = Assert.Throws<InvalidOperationException>(() => new SqliteJobStore(options));

        Assert.That(exception!.Message, Does.Contain($"'{_database.Path}'").And.Contain("read-only").And.Contain("Mode=ReadOnly"));
    }

    [TestCase("", "is empty")]
    [TestCase(":memory:", "names no database file")]
    [TestCase("Data Source=jobs.db;Mode=Memory", "names no database file")]
    [TestCase("Data Source=jobs.db;Colour=blue", "is not a valid SQLite connection string")]
    public void Constructor_BadConnectionString_ThrowsArgumentExceptionSayingWhatToChange(string connectionString, string says)
    {
        var exception = Assert.Throws<ArgumentException>(() => new SqliteJobStore(new SqliteJobStoreOptions { ConnectionString = connectionString }));

        Assert.That(exception!.ParamName, Is.EqualTo(nameof(SqliteJobStoreOptions.ConnectionString)));
        Assert.That(exception.Message, Does.Contain(says));
    }

    [Test]
    public void Constructor_OptionOutOfRange_ThrowsNamingTheOption()
    {
        var cases = new (Action<SqliteJobStoreOptions> Set, string Name)[]
        {
            (o => o.RetentionPeriod = TimeSpan.FromSeconds(-1), nameof(SqliteJobStoreOptions.RetentionPeriod)),
            (o => o.MaxFinishedJobs = -1, nameof(SqliteJobStoreOptions.MaxFinishedJobs)),
            (o => o.RetentionInterval = TimeSpan.Zero, nameof(SqliteJobStoreOptions.RetentionInterval)),
            (o => o.RetentionBatchSize = 0, nameof(SqliteJobStoreOptions.RetentionBatchSize)),
            (o => o.LeaseDuration = TimeSpan.Zero, nameof(SqliteJobStoreOptions.LeaseDuration)),
            (o => o.BusyTimeout = TimeSpan.FromHours(2), nameof(SqliteJobStoreOptions.BusyTimeout)),
            (o => o.Synchronous = (SqliteSynchronousMode)7, nameof(SqliteJobStoreOptions.Synchronous)),
        };
        foreach (var (set, name) in cases)
        {
            var options = _database.Options();
            set(options);
            var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new SqliteJobStore(options), name);
            Assert.That(exception!.ParamName, Is.EqualTo(name));
            Assert.That(exception.Message, Does.Contain($"SqliteJobStoreOptions.{name}"));
        }

        Assert.That(File.Exists(_database.Path), Is.False, "Bad options fail before the file is touched.");
    }

    [Test]
    public async Task Constructor_SynchronousFull_OpensAndCommits()
    {
        await using var store = _database.Open(o => o.Synchronous = SqliteSynchronousMode.Full);
        var job = TestJobs.Typed();

        await store.AddAsync(job);

        Assert.That(await store.GetAsync(job.Id), Is.EqualTo(job));
    }

    /// <summary>Undoes version 4 (continuations) of a file at the current version.</summary>
    private const string DowngradeToVersion3 = DowngradeToVersion4 + "DROP INDEX bt_jobs_continuations; ALTER TABLE bt_jobs DROP COLUMN continue_after; ALTER TABLE bt_jobs DROP COLUMN continue_when; ";

    /// <summary>Undoes version 5 (attempt settings) of a file at the current version.</summary>
    private const string DowngradeToVersion4 = "ALTER TABLE bt_jobs DROP COLUMN timeout_ticks; ALTER TABLE bt_jobs DROP COLUMN backoff_initial_ticks; ALTER TABLE bt_jobs DROP COLUMN backoff_max_ticks; "
        + "ALTER TABLE bt_jobs DROP COLUMN backoff_multiplier; ALTER TABLE bt_jobs DROP COLUMN backoff_jitter; ";

    /// <summary>Undoes versions 4 and 3 (unique keys) of a file at the current version.</summary>
    private const string DowngradeToVersion2 = DowngradeToVersion3 + "DROP INDEX bt_jobs_unique_live; DROP INDEX bt_jobs_unique_finished; ALTER TABLE bt_jobs DROP COLUMN unique_key; ";

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
