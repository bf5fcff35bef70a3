using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite.Tests.Hosting;

public sealed class UseSqliteTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    [CancelAfter(60_000)]
    public async Task UseSqlite_HostRunsAJob_TheFileKeepsItsRecord(CancellationToken cancellationToken)
    {
        JobId id;
        using (var host = Build(jobs => jobs.UseSqlite(_database.Path, o => o.Synchronous = SqliteSynchronousMode.Full)))
        {
            Assert.That(host.Services.GetRequiredService<IJobStore>(), Is.InstanceOf<SqliteJobStore>());
            await host.StartAsync(cancellationToken);
            id = await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync(_ => Task.FromResult("done"), new JobOptions { Name = "greet" }, cancellationToken);
            var record = await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, cancellationToken);
            Assert.That(record.Status, Is.EqualTo(JobStatus.Succeeded));
            await host.StopAsync(cancellationToken);
        }

        await using var store = _database.Open();
        var stored = await store.GetAsync(id, cancellationToken);
        Assert.That(stored, Is.Not.Null, "The job outlives the host in the file.");
        Assert.That(stored!.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(stored.Name, Is.EqualTo("greet"));
        Assert.That(stored.Result, Is.EqualTo("done"));
    }

    [Test]
    [CancelAfter(60_000)]
    public void UseSqlite_FileThatIsNotADatabase_StopsStartUpNamingTheFile(CancellationToken cancellationToken)
    {
        File.WriteAllText(_database.Path, "certainly not a database, but long enough to have a header of its own: " + new string('x', 200));
        using var host = Build(jobs => jobs.UseSqlite($"Data Source={_database.Path}"));

        var exception = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(cancellationToken));

        Assert.That(exception!.Message, Does.Contain(_database.Path).And.Contain("not a SQLite database"));
    }

    [Test]
    public async Task UseSqlite_ContainerDisposedSynchronously_ClosesTheStoreAfterItsWrites()
    {
        var job = TestJobs.Typed();
        var services = new ServiceCollection();
        services.AddBackgroundJobs().UseSqlite(_database.Path);
        using (var provider = services.BuildServiceProvider())
        {
            await provider.GetRequiredService<IJobStore>().AddAsync(job);
        }

        await using var store = _database.Open();
        Assert.That(await store.GetAsync(job.Id), Is.EqualTo(job));
    }

    [Test]
    public void UseSqlite_BadArguments_ThrowAtOnce()
    {
        var builder = new ServiceCollection().AddBackgroundJobs();

        Assert.Throws<ArgumentNullException>(() => SqliteBackgroundJobsBuilderExtensions.UseSqlite(null!, "jobs.db"));
        Assert.Throws<ArgumentException>(() => builder.UseSqlite(" "));
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => builder.UseSqlite("jobs.db", o => o.MaxFinishedJobs = -5));
        Assert.That(range!.ParamName, Is.EqualTo(nameof(SqliteJobStoreOptions.MaxFinishedJobs)));
        Assert.That(File.Exists("jobs.db"), Is.False, "Nothing is opened before the host starts.");
    }

    private static IHost Build(Action<BackgroundJobsBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        configure(builder.Services.AddBackgroundJobs());
        return builder.Build();
    }
}
