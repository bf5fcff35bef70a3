using System.Text.RegularExpressions;
using BackgroundTasks.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackgroundTasks.Dashboard.Tests.Pages;

/// <summary>The overview's Hosts panel: shown when the store lists hosts (<see cref="IJobHostRegistry"/>), stale ones marked.</summary>
[CancelAfter(30_000)]
public sealed class HostsPanelTests
{
    [Test]
    public async Task Overview_StoreListsHosts_ShowsEachHostEscapedAndMarksTheStaleOne(CancellationToken ct)
    {
        var now = TimeProvider.System.GetUtcNow();
        var lease = TimeSpan.FromHours(1);
        JobHostInfo[] hosts =
        [
            new("<script>alert(7)</script>", "<script>alert(7)</script>/1", now.AddHours(-3), now.AddSeconds(-2), lease),
            new("worker", "worker/2", now.AddHours(-5), now.AddHours(-2), lease),
        ];
        await using var app = await DashboardApp.StartAsync(o => o.Jobs = jobs => jobs.UseStore(_ => new HostListingJobStore(hosts)));
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync("/jobs");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<h2>Hosts</h2>").And.Contain("data-hosts=\"2\" data-stale=\"1\""));
            Assert.That(Row(html, "&lt;script&gt;alert(7)&lt;/script&gt;/1"), Does.Contain("data-stale=\"false\"").And.Contain(">alive<").And.Contain(" s ago</td>"));
            Assert.That(Row(html, "worker/2"), Does.Contain("data-stale=\"true\"").And.Contain(">stale<").And.Contain("2 h 0 min ago").And.Contain("5 h 0 min ago"));
            Assert.That(html, Does.Not.Contain("<script>alert"));
        });
    }

    [Test]
    public async Task Overview_StoreListsNoHosts_NoHostsPanel()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync("/jobs");

        Assert.That(html, Does.Not.Contain("id=\"hosts\""));
    }

    [Test]
    public async Task Overview_PostgreSqlStore_ListsThisHostWithAFreshHeartbeat(CancellationToken ct)
    {
        var connectionString = PostgresServer.ConnectionString;
        var schema = "bt_dash_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var app = await DashboardApp.StartAsync(o => o.Jobs = jobs => jobs.UseNpgsql(connectionString, p =>
            {
                p.Schema = schema;
                p.LeaseDuration = TimeSpan.FromSeconds(3);
            }));
            var hostName = app.App.Services.GetRequiredService<IOptions<BackgroundJobsOptions>>().Value.HostName;

            // The first heartbeat is written a third of the lease after the start.
            // Nothing signals the write, so the hosts table is read at each tick of a bounded poll.
            IReadOnlyList<JobHostInfo> listed = [];
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            while (listed.Count == 0)
            {
                try
                {
                    await tick.WaitForNextTickAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    throw new AssertionException("Timed out waiting for the host's first heartbeat in the hosts table.");
                }

                listed = await app.Monitor.ListHostsAsync(ct);
            }

            using var client = app.CreateClient();
            var html = await new PageSession(client).GetPageAsync("/jobs");

            var host = listed.Single();
            Assert.Multiple(() =>
            {
                Assert.That((host.Name, host.LeaseDuration), Is.EqualTo((hostName, TimeSpan.FromSeconds(3))));
                Assert.That(host.Owner, Does.StartWith(hostName + "/"));
                Assert.That(html, Does.Contain("data-hosts=\"1\" data-stale=\"0\""));
                Assert.That(Row(html, host.Owner), Does.Contain("data-stale=\"false\""));
            });
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The hosts table's row of an owner (its HTML-encoded form).</summary>
    private static string Row(string html, string encodedOwner)
    {
        var row = Regex.Match(html, $"<tr data-host-owner=\"{Regex.Escape(encodedOwner)}\"(.*?)</tr>", RegexOptions.Singleline);
        Assert.That(row.Success, Is.True, $"no hosts row for {encodedOwner}");
        return row.Value;
    }
}
