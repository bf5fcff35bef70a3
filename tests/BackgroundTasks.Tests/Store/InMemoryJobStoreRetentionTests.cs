using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Tests.Store;

public sealed class InMemoryJobStoreRetentionTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task FinishedJob_OlderThanRetention_IsForgotten()
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions { RetentionPeriod = TimeSpan.FromMinutes(30) }, _time);
        var old = await AddFinishedAsync(store);
        _time.Advance(TimeSpan.FromMinutes(29));
        var young = await AddFinishedAsync(store);

        _time.Advance(TimeSpan.FromMinutes(1));
        await store.QueryAsync(new JobQuery());

        Assert.That(await store.GetAsync(old), Is.Null, "30 minutes after it finished, the job is gone.");
        Assert.That(await store.GetAsync(young), Is.Not.Null);
    }

    [Test]
    public async Task FinishedJobs_BeyondMaximum_OldestAreForgotten()
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions { MaxFinishedJobs = 3 }, _time);
        var ids = new List<JobId>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await AddFinishedAsync(store));
        }

        Assert.That(store.Count, Is.EqualTo(3));
        Assert.That(await store.GetAsync(ids[0]), Is.Null);
        Assert.That(await store.GetAsync(ids[1]), Is.Null);
        Assert.That(await store.GetAsync(ids[4]), Is.Not.Null);
    }

    [Test]
    public async Task UnfinishedJobs_AreNeverForgotten()
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions { MaxFinishedJobs = 0, RetentionPeriod = TimeSpan.Zero }, _time);
        var queued = JobId.NewId();
        await store.AddAsync(new JobRecord { Id = queued, Queue = "default", Status = JobStatus.Queued });

        for (var i = 0; i < 10; i++)
        {
            await AddFinishedAsync(store);
        }

        _time.Advance(TimeSpan.FromDays(30));
        await store.QueryAsync(new JobQuery());

        Assert.That(await store.GetAsync(queued), Is.Not.Null);
        Assert.That(store.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task ManyJobs_StoreSizeStaysBounded()
    {
        var store = new InMemoryJobStore(new InMemoryJobStoreOptions { MaxFinishedJobs = 100 }, _time);

        for (var i = 0; i < 100_000; i++)
        {
            await AddFinishedAsync(store);
        }

        Assert.That(store.Count, Is.EqualTo(100));
    }

    [Test]
    public void Constructor_NegativeRetention_ThrowsNamingTheOption()
    {
        Assert.That(() => new InMemoryJobStore(new InMemoryJobStoreOptions { RetentionPeriod = TimeSpan.FromSeconds(-1) }, _time),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("RetentionPeriod"));
        Assert.That(() => new InMemoryJobStore(new InMemoryJobStoreOptions { MaxFinishedJobs = -1 }, _time),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxFinishedJobs"));
    }

    [Test]
    public async Task Retention_ConfiguredThroughTheBuilder_AppliesToTheDefaultStore()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        Microsoft.Extensions.DependencyInjection.BackgroundJobsServiceCollectionExtensions
            .AddBackgroundJobs(builder.Services)
            .ConfigureInMemoryStore(o => o.MaxFinishedJobs = 1);
        using var host = builder.Build();
        var store = (InMemoryJobStore)Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IJobStore>(host.Services);

        await AddFinishedAsync(store);
        await AddFinishedAsync(store);

        Assert.That(store.Count, Is.EqualTo(1));
    }

    private async Task<JobId> AddFinishedAsync(InMemoryJobStore store)
    {
        var id = JobId.NewId();
        await store.AddAsync(new JobRecord { Id = id, Queue = "default", Status = JobStatus.Queued, EnqueuedAt = _time.GetUtcNow() });
        await store.TransitionAsync(id, new JobTransition(JobStatus.Running, 1, _time.GetUtcNow()));
        await store.TransitionAsync(id, new JobTransition(JobStatus.Succeeded, 1, _time.GetUtcNow()));
        return id;
    }
}
