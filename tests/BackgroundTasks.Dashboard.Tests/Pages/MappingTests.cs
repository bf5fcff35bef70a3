using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Dashboard.Tests.Pages;

[CancelAfter(30_000)]
public sealed class MappingTests
{
    [TestCase("jobs")]
    [TestCase("/jobs/{id}")]
    [TestCase("/jobs?x=1")]
    [TestCase("//jobs")]
    public void Map_BadPattern_ThrowsNamingThePattern(string pattern)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddBackgroundJobs();
        builder.Services.AddBackgroundJobsDashboard();
        var app = builder.Build();

        Assert.That(() => app.MapBackgroundJobsDashboard(pattern), Throws.ArgumentException.With.Property("ParamName").EqualTo("pattern").And.Message.Contains("/jobs"));
    }

    [Test]
    public void Map_WithoutAddBackgroundJobsDashboard_ThrowsSayingWhatToCall()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddBackgroundJobs();
        var app = builder.Build();

        Assert.That(() => app.MapBackgroundJobsDashboard(), Throws.InvalidOperationException.With.Message.Contains("AddBackgroundJobsDashboard()"));
    }

    [Test]
    public void Map_WithoutBackgroundJobs_ThrowsSayingWhatToCall()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddBackgroundJobsDashboard();
        var app = builder.Build();

        Assert.That(() => app.MapBackgroundJobsDashboard(), Throws.InvalidOperationException.With.Message.Contains("AddBackgroundJobs()"));
    }

    [TestCase(0, "PageSize")]
    [TestCase(501, "PageSize")]
    public void Map_PageSizeOutOfRange_ThrowsNamingIt(int pageSize, string option)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddBackgroundJobs();
        builder.Services.AddBackgroundJobsDashboard(o => o.PageSize = pageSize);
        var app = builder.Build();

        Assert.That(() => app.MapBackgroundJobsDashboard(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(option));
    }

    [TestCase("javascript:alert(1)")]
    [TestCase("//evil.example")]
    public void Map_AppPathNotAPathOrWebAddress_Throws(string appPath)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddBackgroundJobs();
        builder.Services.AddBackgroundJobsDashboard();
        var app = builder.Build();

        Assert.That(() => app.MapBackgroundJobsDashboard("/jobs", o => o.AppPath = appPath), Throws.ArgumentException.With.Property("ParamName").EqualTo("AppPath"));
    }

    [Test]
    public async Task Map_TwoDashboards_EachKeepsItsOwnOptions()
    {
        await using var app = await DashboardApp.StartAsync(o =>
        {
            o.Dashboard = d => d.Title = "Ops jobs";
            o.Map = app =>
            {
                app.MapBackgroundJobsDashboard("/jobs");
                app.MapBackgroundJobsDashboard("/status/jobs", d => { d.ReadOnly = true; d.Title = "Job status"; d.AppPath = "/"; });
            };
        });
        var id = await app.EnqueueStepsAsync("two", steps: 1);
        using var client = app.CreateClient();
        var session = new PageSession(client);

        var full = await session.GetPageAsync($"/jobs/job/{id}");
        var readOnly = await session.GetPageAsync($"/status/jobs/job/{id}");

        Assert.That(full, Does.Contain("<title>steps · Ops jobs</title>").And.Contain("id=\"cancel\"").And.Contain("href=\"/jobs/list"));
        Assert.That(readOnly, Does.Contain("<title>steps · Job status</title>").And.Not.Contain("id=\"cancel\"").And.Contain("href=\"/status/jobs/list").And.Contain("Back to the app"));
        app.Signals.Release("two");
    }

    [Test]
    public async Task Map_UnderAPathBase_LinksIncludeIt()
    {
        await using var app = await DashboardApp.StartAsync(o => o.Map = app =>
        {
            app.UsePathBase("/app");
            app.UseRouting();
            app.MapBackgroundJobsDashboard("/jobs");
        });
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync("/app/jobs");

        Assert.That(html, Does.Contain("href=\"/app/jobs/assets/dashboard.css?v=").And.Contain("href=\"/app/jobs/list?status=Failed\""));
    }

    [Test]
    public async Task Assets_VersionedUrl_CachedForGoodAndAnsweredWith304()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();
        var html = await new PageSession(client).GetPageAsync("/jobs");
        var css = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/jobs/assets/dashboard.css\\?v=[0-9a-f]+)\"").Groups[1].Value;

        using var response = await client.GetAsync(css);
        using var again = new HttpRequestMessage(HttpMethod.Get, css);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await client.SendAsync(again);
        using var missing = await client.GetAsync("/jobs/assets/nothing.js");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/css; charset=utf-8"));
        Assert.That(response.Headers.CacheControl?.ToString(), Does.Contain("immutable"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("--accent"));
        Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
