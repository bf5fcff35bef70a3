using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Tests.Queue;

/// <summary><see cref="IJobQueue.TryEnqueue"/> never waits, whatever the store does.</summary>
[CancelAfter(20_000)]
public sealed class TryEnqueueStoreTests
{
    [Test]
    public async Task TryEnqueue_StoreFailsAtOnce_ThrowsAndGivesTheSlotBack(CancellationToken ct)
    {
        var store = new SwitchableStore { FailAdds = true };
        using var host = Build(store);
        var queue = host.Services.GetRequiredService<IJobQueue>();

        Assert.That(() => queue.TryEnqueue(_ => Task.CompletedTask, out _), Throws.InstanceOf<IOException>());

        store.FailAdds = false;
        Assert.That(queue.TryEnqueue(_ => Task.CompletedTask, out var id), Is.True, "The failed attempt did not keep the only slot.");
        await host.StartAsync(ct);
        Assert.That((await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        await host.StopAsync(ct);
    }

    [Test]
    public async Task TryEnqueue_StoreAnswersAsynchronously_AcceptsAtOnceAndRunsOnceRecorded(CancellationToken ct)
    {
        var store = new SwitchableStore { AddsAsynchronously = true };
        using var host = Build(store);
        await host.StartAsync(ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        var ran = new TaskCompletionSource();

        Assert.That(queue.TryEnqueue(_ =>
        {
            ran.SetResult();
            return Task.CompletedTask;
        }, out var id), Is.True);

        store.ReleaseAdds();
        await ran.Task.WaitAsync(ct);
        Assert.That((await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
        await host.StopAsync(ct);
    }

    private static IHost Build(IJobStore store)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(o =>
        {
            o.Queues["default"].Workers = 1;
            o.Queues["default"].Capacity = 1;
        }).UseStore(_ => store);
        return builder.Build();
    }

    private sealed class SwitchableStore : IJobStore
    {
        private readonly InMemoryJobStore _inner = new();
        private readonly TaskCompletionSource _addsReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool FailAdds { get; set; }

        public bool AddsAsynchronously { get; set; }

        public void ReleaseAdds() => _addsReleased.TrySetResult();

        public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
        {
            if (FailAdds)
            {
                return ValueTask.FromException(new IOException("store is down"));
            }

            return AddsAsynchronously ? AddLaterAsync(job, cancellationToken) : _inner.AddAsync(job, cancellationToken);
        }

        public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => _inner.TransitionAsync(id, transition, cancellationToken);

        public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => _inner.ReportProgressAsync(id, progress, cancellationToken);

        public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

        private async ValueTask AddLaterAsync(JobRecord job, CancellationToken cancellationToken)
        {
            await _addsReleased.Task.WaitAsync(cancellationToken);
            await _inner.AddAsync(job, cancellationToken);
        }
    }
}
