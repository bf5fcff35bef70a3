using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Dashboard.Tests.Security;

/// <summary>Safe by default: without an authorization policy only local requests are served.</summary>
[CancelAfter(30_000)]
public sealed class AccessTests
{
    private static readonly IPAddress s_remote = IPAddress.Parse("203.0.113.7");

    [TestCase("/jobs")]
    [TestCase("/jobs/list?status=Failed")]
    [TestCase("/jobs/waiting")]
    [TestCase("/jobs/job/0123456789abcdef0123456789abcdef")]
    [TestCase("/jobs/assets/dashboard.css")]
    public async Task Get_NonLocalRequestWithoutPolicy_Returns403(string path)
    {
        await using var app = await DashboardApp.StartAsync(o => o.RemoteIp = s_remote);
        using var client = app.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("RequireAuthorization"));
    }

    [Test]
    public async Task Post_NonLocalRequestWithoutPolicy_Returns403AndJobRuns(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync(o => o.RemoteIp = s_remote);
        var id = await app.EnqueueStepsAsync("remote", steps: 1);
        using var client = app.CreateClient();

        using var response = await new PageSession(client).PostAsync($"/jobs/job/{id}/cancel", withToken: false);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        app.Signals.Release("remote");
        Assert.That((await app.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    [Test]
    public async Task Get_UnknownRemoteAddress_Returns403()
    {
        await using var app = await DashboardApp.StartAsync(o => o.RemoteIp = null);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/jobs");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("127.0.0.1")]
    [TestCase("::1")]
    [TestCase("::ffff:127.0.0.1")]
    public async Task Get_LoopbackRequest_Returns200(string address)
    {
        await using var app = await DashboardApp.StartAsync(o => o.RemoteIp = IPAddress.Parse(address));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/jobs");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/html; charset=utf-8"));
    }

    [Test]
    public async Task Get_NonLocalWithPolicy_PolicyDecides()
    {
        await using var app = await DashboardApp.StartAsync(o =>
        {
            o.RemoteIp = s_remote;
            o.Services = services =>
            {
                services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
                services.AddAuthorizationBuilder().AddPolicy("ops", policy => policy.RequireRole("ops"));
            };
            o.Map = app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapBackgroundJobsDashboard("/jobs").RequireAuthorization("ops");
            };
        });
        using var client = app.CreateClient();

        using var anonymous = await client.GetAsync("/jobs");
        using var wrongRole = await Send(client, "/jobs", "dev");
        using var ops = await Send(client, "/jobs", "ops");

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(wrongRole.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(ops.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the policy lets a remote ops user in");
    }

    [Test]
    public async Task Get_NonLocalWithAllowAnonymous_Returns200()
    {
        await using var app = await DashboardApp.StartAsync(o =>
        {
            o.RemoteIp = s_remote;
            o.Map = app => app.MapBackgroundJobsDashboard("/jobs").AllowAnonymous();
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/jobs");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Get_Page_SendsSecurityHeaders()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/jobs");

        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("frame-ancestors 'none'"));
            Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
            Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        });
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string path, string role)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Test-Role", role);
        return client.SendAsync(request);
    }
}
