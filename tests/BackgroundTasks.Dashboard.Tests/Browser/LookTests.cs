using Microsoft.Playwright;

namespace BackgroundTasks.Dashboard.Tests.Browser;

[Explicit("development aid")]
public sealed class LookTests
{
    [Test]
    public async Task Look()
    {
        await using var app = await DashboardApp.StartAsync(o => { o.Kestrel = true; o.Jobs = j => j.AddQueue("mail"); });
        for (var i = 0; i < 5; i++)
        {
            await app.Queue.EnqueueAsync(_ => Task.FromResult("ok " + i), new JobOptions { Name = "report-" + i });
        }
        var failed = await app.Queue.EnqueueAsync(_ => throw new InvalidOperationException("<b>boom</b>"), new JobOptions { Name = "<script>alert(1)</script>", Queue = "mail" });
        app.Signals.SetFailing("k", true);
        var typed = await app.Queue.EnqueueAsync<FlakyJob, FlakyArgs>(new FlakyArgs("k", "note <i>"));
        var steps = await app.EnqueueStepsAsync("g", 10);
        app.Signals.Release("g", 4);
        await app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Delay = TimeSpan.FromMinutes(5), Name = "later" });
        await app.Monitor.WaitAsync(typed);
        await Wait.ForAsync(app.Monitor, steps, r => r.Progress.Percent >= 40, "40%", CancellationToken.None);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        foreach (var (path, name) in new[] { ("/jobs", "overview"), ("/jobs/list", "list"), ("/jobs/waiting", "waiting"), ($"/jobs/job/{typed}", "failed"), ($"/jobs/job/{steps}", "running") })
        {
            await page.GotoAsync(new Uri(app.Address, path).ToString());
            await page.ScreenshotAsync(new() { Path = $"/tmp/shots/{name}.png", FullPage = true });
        }
        app.Signals.Release("g", 10);
    }
}
