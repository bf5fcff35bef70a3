using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Sqlite.Tests.Engine;

/// <summary>
/// The SQLite store hands a claim's answer to the engine on its writer's thread. When the host stops while a claim is
/// written, the claim loop ends there; the host's stop, and the application's code after it, must not continue on that
/// thread: a synchronous dispose of the host there (<c>using var host</c>) would wait for the writer it runs on.
/// </summary>
[CancelAfter(30_000)]
public sealed class InlineClaimTests
{
    [Test]
    public async Task HostStoppedWhileAClaimIsWritten_FinishesStoppingOffTheWritersThread(CancellationToken ct)
    {
        using var database = new TempDatabase();
        await using var sqlite = database.Open();
        var store = new GatedSqliteStore(sqlite);
        var claimWaits = store.HoldNextClaimUntilStopping();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs(o => o.HostName = "host-a").UseStore(_ => store);
        using var host = builder.Build();
        await host.StartAsync(ct);
        await claimWaits.WaitAsync(ct);

        await host.StopAsync(ct);

        Assert.That(sqlite.Writer.IsWriterThread, Is.False, "The host's stop continued on the store's writer thread.");
    }
}
