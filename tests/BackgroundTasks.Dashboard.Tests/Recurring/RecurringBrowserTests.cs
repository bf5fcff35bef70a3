using BackgroundTasks.Dashboard.Tests.Browser;
using Microsoft.Playwright;
using static BackgroundTasks.Dashboard.Tests.Recurring.RecurringApps;

namespace BackgroundTasks.Dashboard.Tests.Recurring;

/// <summary>The recurring jobs page in headless Debian Chromium, against the app on real Kestrel, with each store; screenshots attached.</summary>
[TestFixture(StoreKind.InMemory)]
[TestFixture(StoreKind.Sqlite)]
[NonParallelizable]
[CancelAfter(90_000)]
public sealed class RecurringBrowserTests(StoreKind store)
{
    private DashboardApp _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    [SetUp]
    public async Task StartAsync()
    {
        Chromium.RequireInstalled();
        _app = await RecurringApps.StartAsync(o =>
        {
            o.Kestrel = true;
            o.Store = store;
        });
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
        _page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        _page.SetDefaultTimeout(15_000);
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Test]
    public async Task RecurringPage_PauseTriggerAndLastRun_WorkFromThePage(CancellationToken ct)
    {
        var ticking = await FirstRunThenPauseAsync(_app, ct);
        await GoAsync("/jobs/recurring");
        var nightly = _page.Locator($"tr[data-schedule={Nightly}]");
        var tick = _page.Locator($"tr[data-schedule={EverySecond}]");
        await Assertions.Expect(tick.Locator("[data-state]")).ToHaveTextAsync("paused");
        await Assertions.Expect(nightly.Locator("[data-state]")).ToHaveTextAsync("active");
        await Assertions.Expect(tick.Locator("[data-cell=last] a")).ToHaveAttributeAsync("href", $"/jobs/job/{ticking.LastRunJobId}");
        await Chromium.AttachScreenshotAsync(_page, $"{store}-recurring", "Recurring jobs: cron, time zone, state, next run, last run linked to its job, and actions.");

        await nightly.Locator("[data-action=pause]").ClickAsync();

        await Assertions.Expect(_page.Locator("#recurring-notice")).ToContainTextAsync($"Paused '{Nightly}'");
        await Assertions.Expect(nightly).ToHaveAttributeAsync("data-paused", "true");
        Assert.That((await ScheduleAsync(_app, Nightly)).IsPaused, Is.True);

        await nightly.Locator("[data-action=trigger]").ClickAsync();

        await Assertions.Expect(_page.Locator("#recurring-notice")).ToContainTextAsync($"Triggered '{Nightly}'");
        await Chromium.AttachScreenshotAsync(_page, $"{store}-recurring-triggered", "A paused schedule triggered by hand: the notice links to the job it enqueued.");
        await _page.Locator("#recurring-notice a").ClickAsync();
        await Assertions.Expect(_page.Locator("h1 .status")).ToHaveTextAsync("Succeeded");
        var triggered = JobId.Parse(await _page.Locator(".job-page").GetAttributeAsync("data-job-id") ?? "");
        Assert.That((await _app.Monitor.GetAsync(triggered, ct))!.Name, Is.EqualTo(FlakyJob.Name));

        await GoAsync("/jobs/recurring");
        await tick.Locator("[data-cell=last] a").ClickAsync();
        await Assertions.Expect(_page.Locator(".job-page")).ToHaveAttributeAsync("data-job-id", ticking.LastRunJobId.ToString()!);
    }

    [Test]
    public async Task CrossOrigin_FormOnAnotherSite_CannotPauseOrTrigger(CancellationToken ct)
    {
        await GoAsync("/jobs/recurring"); // the user has the dashboard open: its antiforgery cookie is set
        foreach (var action in new[] { "pause", "trigger" })
        {
            var target = new Uri(_app.Address, $"/jobs/recurring/{Nightly}/{action}");
            await _page.RouteAsync($"http://evil.test/{action}", route => route.FulfillAsync(new()
            {
                ContentType = "text/html",
                Body = $"<form id=f method=post action=\"{target}\"><input name=x value=1></form><script>document.getElementById('f').submit()</script>",
            }));

            var response = await _page.RunAndWaitForResponseAsync(() => _page.GotoAsync($"http://evil.test/{action}"), r => r.Url == target.ToString());

            Assert.That(response.Status, Is.EqualTo(403), action);
            Assert.That(await response.TextAsync(), Does.Contain("another site"));
        }

        Assert.That((await ScheduleAsync(_app, Nightly)).IsPaused, Is.False);
        var jobs = await _app.Monitor.QueryAsync(new JobQuery { Name = FlakyJob.Name, Take = 1000 }, ct);
        Assert.That(jobs, Has.All.Property("UniqueKey").Not.Null, "nothing was triggered");
    }

    private async Task GoAsync(string path)
    {
        var response = await _page.GotoAsync(new Uri(_app.Address, path).ToString());
        Assert.That(response?.Status, Is.EqualTo(200), path);
    }
}
