using Microsoft.Playwright;

namespace BackgroundTasks.Samples.Tests.WebDashboard;

/// <summary>The dashboard page in headless Chromium (Debian's package) against the sample on real Kestrel.</summary>
[CancelAfter(60_000)]
public sealed class DashboardPageTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    // Debian's Chromium, headless, without a sandbox (root in a container) and without any network of its own.
    private static readonly string[] s_chromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];


    [Test]
    public async Task Page_StartAndCancelJobs_ShowsLiveProgressAndFinalStates()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Ignore("Chromium not found: install it with 'apt-get install -y chromium' (CI's .ci/run does).");
        }

        // 25 pages at 80 ms: about 2 s, so the bar is seen moving before it is full.
        using var factory = new DashboardFactory(pageTime: TimeSpan.FromMilliseconds(80), realSocket: true);
        var baseAddress = factory.StartKestrel();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = s_chromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 900, Height = 700 } });
        page.SetDefaultTimeout(15_000);
        Assertions.SetDefaultExpectTimeout(15_000);

        await page.GotoAsync(baseAddress.ToString());
        await Assertions.Expect(page.Locator("#empty")).ToBeVisibleAsync();

        // A job that runs to the end: its bar moves while it runs, then it is full and the job is done.
        var done = await StartAsync(page, "browser-report", pages: 25);
        await page.WaitForFunctionAsync(
            "row => row.dataset.status === 'Running' && +row.querySelector('.bar').getAttribute('aria-valuenow') > 0",
            await done.ElementHandleAsync());
        await Assertions.Expect(done.Locator(".status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(done.Locator(".bar")).ToHaveAttributeAsync("aria-valuenow", "100");
        await Assertions.Expect(done.Locator(".message")).ToContainTextAsync("browser-report.pdf (25 pages)");
        await Assertions.Expect(done.Locator(".cancel")).ToBeDisabledAsync();

        // A job that is cancelled while it runs.
        var cancelled = await StartAsync(page, "browser-cancel", pages: 1000);
        await page.WaitForFunctionAsync(
            "row => row.dataset.status === 'Running' && +row.querySelector('.bar').getAttribute('aria-valuenow') > 0",
            await cancelled.ElementHandleAsync());
        var running = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard-running.png");
        await page.ScreenshotAsync(new() { Path = running, FullPage = true });
        TestContext.AddTestAttachment(running, "The dashboard while a job runs.");

        // Cancel it: the API accepts, the job ends Cancelled on the server, and the page says so.
        var delete = await page.RunAndWaitForResponseAsync(
            () => cancelled.Locator(".cancel").ClickAsync(),
            response => response.Request.Method == "DELETE");
        Assert.That(delete.Status, Is.EqualTo(202), await delete.TextAsync());
        var id = JobId.Parse(await cancelled.GetAttributeAsync("data-job-id") ?? "");
        using (var serverWait = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            Assert.That((await factory.Monitor.WaitAsync(id, serverWait.Token)).Status, Is.EqualTo(JobStatus.Cancelled));
        }

        await Assertions.Expect(cancelled.Locator(".status")).ToHaveTextAsync("Cancelled");
        await Assertions.Expect(cancelled.Locator(".cancel")).ToBeDisabledAsync();

        // Bad input is answered on the page by the API's problem details.
        await page.FillAsync("#pages", "5000");
        await page.ClickAsync("#start");
        await Assertions.Expect(page.Locator("#form-error")).ToContainTextAsync("Pages must be from 1 to 1000.");

        var final = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard.png");
        await page.ScreenshotAsync(new() { Path = final, FullPage = true });
        TestContext.AddTestAttachment(final, "The dashboard after one job succeeded and one was cancelled.");
    }

    private static async Task<ILocator> StartAsync(IPage page, string name, int pages)
    {
        await page.FillAsync("#name", name);
        await page.FillAsync("#pages", pages.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#start");
        var row = page.Locator($".job[data-name='{name}']");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        return row;
    }
}
