using Microsoft.Extensions.Hosting;

namespace BackgroundTasks.PostgreSql;

/// <summary>Opens the store when the host starts, so that a database that cannot be used stops start-up instead of the first job.</summary>
/// <param name="store">The registered store: resolving it connects and migrates the schema.</param>
internal sealed class PostgreSqlJobStoreOpener(IJobStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(store);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
