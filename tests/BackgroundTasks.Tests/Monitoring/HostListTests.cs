using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Tests.Monitoring;

/// <summary><see cref="IJobMonitor.ListHostsAsync"/> and <see cref="JobHostInfo.IsStale"/>.</summary>
[CancelAfter(20_000)]
public sealed class HostListTests
{
    private static readonly DateTimeOffset s_beat = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Test]
    public async Task ListHostsAsync_StoreWithoutRegistry_Empty(CancellationToken ct)
    {
        await using var services = new ServiceCollection().AddBackgroundJobs().Services.BuildServiceProvider();

        var hosts = await services.GetRequiredService<IJobMonitor>().ListHostsAsync(ct);

        Assert.That(hosts, Is.Empty);
    }

    [Test]
    public async Task ListHostsAsync_StoreIsARegistry_ReturnsTheStoresHosts(CancellationToken ct)
    {
        JobHostInfo[] listed =
        [
            new("web", "web/2", s_beat, s_beat.AddSeconds(30), TimeSpan.FromSeconds(6)),
            new("worker", "worker/1", s_beat, s_beat.AddSeconds(10), TimeSpan.FromSeconds(6)),
        ];
        await using var services = new ServiceCollection().AddBackgroundJobs().UseStore(_ => new HostListingJobStore(listed)).Services.BuildServiceProvider();

        var hosts = await services.GetRequiredService<IJobMonitor>().ListHostsAsync(ct);

        Assert.That(hosts, Is.EqualTo(listed));
    }

    [Test]
    public async Task ListHostsAsync_TokenAlreadyCancelled_Throws()
    {
        await using var services = new ServiceCollection().AddBackgroundJobs().Services.BuildServiceProvider();

        Assert.That(async () => await services.GetRequiredService<IJobMonitor>().ListHostsAsync(new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
    }

    [TestCase(0, false)]
    [TestCase(5_999, false)]
    [TestCase(6_000, false)]
    [TestCase(6_001, true)]
    [TestCase(60_000, true)]
    public void IsStale_HeartbeatAge_StaleOnlyPastTheLeaseDuration(int ageMilliseconds, bool stale)
    {
        var host = new JobHostInfo("web", "web/1", s_beat.AddMinutes(-1), s_beat, TimeSpan.FromSeconds(6));

        Assert.That(host.IsStale(s_beat.AddMilliseconds(ageMilliseconds)), Is.EqualTo(stale));
    }
}
