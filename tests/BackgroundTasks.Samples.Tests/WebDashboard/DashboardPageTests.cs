using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace BackgroundTasks.Samples.Tests.WebDashboard;

/// <summary>The sample's dashboard (the BackgroundTasks.Dashboard package at /jobs) in headless Chromium (Debian's package) against the sample on real Kestrel.</summary>
[CancelAfter(60_000)]
public sealed class DashboardPageTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    // Debian's Chromium, headless, without a sandbox (root in a container) and without any network of its own.
    private static readonly string[] s_chromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [Test]
    public async Task Dashboard_ReportsStartedThroughTheApi_ShowsLiveProgressAndCancels()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Ignore("Chromium not found: install it with 'apt-get install -y chromium' (CI's .ci/run does).");
        }

        // 25 pages at 80 ms: about 2 s, so the bar is seen moving before it is full.
        using var factory = new DashboardFactory(pageTime: TimeSpan.FromMilliseconds(80), realSocket: true);
        var baseAddress = factory.StartKestrel();
        using var api = new HttpClient { BaseAddress = baseAddress };

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = s_chromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        page.SetDefaultTimeout(15_000);
        Assertions.SetDefaultExpectTimeout(15_000);

        // The site's root leads to the dashboard's overview.
        await page.GotoAsync(baseAddress.ToString());
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/jobs"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        await Assertions.Expect(page.Locator("a.brand")).ToHaveTextAsync("Report jobs");

        // A job that runs to the end: its bar moves while it runs, then it is full and the job is done.
        var done = await StartAsync(api, "browser-report", pages: 25);
        await page.GotoAsync(new Uri(baseAddress, $"/jobs/job/{done}").ToString());
        await page.WaitForFunctionAsync("() => { const v = +document.querySelector('#progress').getAttribute('aria-valuenow'); return v > 0 && v < 100; }");
        await Attach(page, "dashboard-running", "A report's page while it runs.");
        await Assertions.Expect(page.Locator("h1 .status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(page.Locator("#progress")).ToHaveAttributeAsync("aria-valuenow", "100");
        await Assertions.Expect(page.Locator("pre.result")).ToHaveTextAsync("browser-report.pdf (25 pages)");

        // A job that is cancelled from its page while it runs.
        var cancelled = await StartAsync(api, "browser-cancel", pages: 1000);
        await page.GotoAsync(new Uri(baseAddress, $"/jobs/job/{cancelled}").ToString());
        await page.WaitForFunctionAsync("() => +document.querySelector('#progress').getAttribute('aria-valuenow') > 0");
        var post = await page.RunAndWaitForResponseAsync(() => page.Locator("#cancel").ClickAsync(), response => response.Request.Method == "POST");
        Assert.That(post.Status, Is.EqualTo(303), post.StatusText);
        using (var serverWait = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            Assert.That((await factory.Monitor.WaitAsync(cancelled, serverWait.Token)).Status, Is.EqualTo(JobStatus.Cancelled));
        }

        await Assertions.Expect(page.Locator("h1 .status")).ToHaveTextAsync("Cancelled");

        // The lists show both, newest first.
        await page.GotoAsync(new Uri(baseAddress, "/jobs/list").ToString());
        await Assertions.Expect(page.Locator("tr.job")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("tr.job").First).ToHaveAttributeAsync("data-job-id", cancelled.ToString());
        await Attach(page, "dashboard", "The dashboard's list after one report succeeded and one was cancelled.");
    }

    private static async Task<JobId> StartAsync(HttpClient api, string name, int pages)
    {
        using var response = await api.PostAsJsonAsync("/api/jobs", new { name, pages });
        Assert.That((int)response.StatusCode, Is.EqualTo(202), await response.Content.ReadAsStringAsync());
        var job = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return JobId.Parse((string)job["id"]!);
    }

    private static async Task Attach(IPage page, string name, string description)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, description);
    }
}
