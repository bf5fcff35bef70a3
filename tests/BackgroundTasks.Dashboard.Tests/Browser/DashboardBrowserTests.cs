using Microsoft.Playwright;

namespace BackgroundTasks.Dashboard.Tests.Browser;

/// <summary>
/// The dashboard in headless Debian Chromium, against the app on real Kestrel (127.0.0.1), once with the
/// in-memory store and once with SQLite. Every page it visits is attached to the test results as a screenshot.
/// </summary>
[TestFixture(StoreKind.InMemory)]
[TestFixture(StoreKind.Sqlite)]
[NonParallelizable]
[CancelAfter(90_000)]
public sealed class DashboardBrowserTests(StoreKind store)
{
    private DashboardApp _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IPage _page = null!;

    [SetUp]
    public async Task StartAsync()
    {
        Chromium.RequireInstalled();
        _app = await DashboardApp.StartAsync(o =>
        {
            o.Kestrel = true;
            o.Store = store;
            o.Jobs = jobs => jobs.AddQueue("mail", q => q.Workers = 2);
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
    public async Task Overview_MixOfJobs_CountsMatchTheStore(CancellationToken ct)
    {
        var running = await _app.EnqueueStepsAsync("overview", steps: 1);
        var done = new List<JobId>();
        for (var i = 0; i < 3; i++)
        {
            done.Add(await _app.Queue.EnqueueAsync(_ => Task.FromResult(i), new JobOptions { Name = "report", Queue = "mail" }, ct));
        }

        done.Add(await _app.Queue.EnqueueAsync(_ => throw new InvalidOperationException("the printer is on fire"), new JobOptions { Name = "print" }, ct));
        await _app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = "later", Delay = TimeSpan.FromHours(1) }, ct);
        foreach (var id in done)
        {
            await _app.Monitor.WaitAsync(id, ct);
        }

        await Wait.ForStatusAsync(_app.Monitor, running, JobStatus.Running, ct);
        var counts = await _app.Store.CountAsync(ct);

        await GoAsync("/jobs");

        int Of(JobStatus status) => counts.Where(c => c.Key.Status == status).Sum(c => c.Value);
        foreach (var status in new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled })
        {
            await Assertions.Expect(_page.Locator($"[data-card={status}] .value")).ToHaveTextAsync(Of(status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await Assertions.Expect(_page.Locator("[data-card=Waiting] .value")).ToHaveTextAsync((Of(JobStatus.Scheduled) + Of(JobStatus.Retrying)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(_page.Locator("tr[data-queue=mail] [data-count=Succeeded]")).ToHaveTextAsync("3");
        await Chromium.AttachScreenshotAsync(_page, $"{store}-overview", "The overview: counts by status and queue, throughput of the last hour.");

        await GoAsync("/jobs/list");
        await Assertions.Expect(_page.Locator("tr.job")).ToHaveCountAsync(counts.Values.Sum());
        await Chromium.AttachScreenshotAsync(_page, $"{store}-all-jobs", "All jobs, newest first.");
        await GoAsync("/jobs/list?status=Failed");
        await Assertions.Expect(_page.Locator("tr.job .error")).ToContainTextAsync("the printer is on fire");
        await Chromium.AttachScreenshotAsync(_page, $"{store}-failed-jobs", "The failed jobs.");
        await GoAsync("/jobs/waiting");
        await Assertions.Expect(_page.Locator("tr.job")).ToHaveCountAsync(1);
        await Chromium.AttachScreenshotAsync(_page, $"{store}-scheduled-and-retrying", "Scheduled and retrying jobs with their due times.");
        _app.Signals.Release("overview");
    }

    [Test]
    public async Task JobPage_RunningJob_BarMovesAndReaches100(CancellationToken ct)
    {
        var id = await _app.EnqueueStepsAsync("bar", steps: 5);
        await Wait.ForStatusAsync(_app.Monitor, id, JobStatus.Running, ct);
        await GoAsync($"/jobs/job/{id}");
        var bar = _page.Locator("#progress");
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "0");

        _app.Signals.Release("bar", 2);
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "40");
        await Assertions.Expect(_page.Locator("[data-live=message]")).ToHaveTextAsync("step 2 of 5");
        await Chromium.AttachScreenshotAsync(_page, $"{store}-job-running", "A running job's page, its bar at 40 %.");
        _app.Signals.Release("bar", 2);
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "80");

        _app.Signals.Release("bar");
        await Assertions.Expect(_page.Locator("h1 .status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "100");
        await Assertions.Expect(_page.Locator("pre.result")).ToHaveTextAsync("5 steps done");
        Assert.That((await _app.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Succeeded));
        await Chromium.AttachScreenshotAsync(_page, $"{store}-job-succeeded", "The same job once it succeeded, with its result and arguments.");
    }

    [Test]
    public async Task Cancel_RunningJob_StopsIt(CancellationToken ct)
    {
        var id = await _app.EnqueueStepsAsync("never", steps: 1);
        await Wait.ForStatusAsync(_app.Monitor, id, JobStatus.Running, ct);
        await GoAsync($"/jobs/job/{id}");

        var response = await _page.RunAndWaitForResponseAsync(() => _page.Locator("#cancel").ClickAsync(), r => r.Request.Method == "POST");

        Assert.That(response.Status, Is.EqualTo(303));
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            wait.CancelAfter(TimeSpan.FromSeconds(15));
            Assert.That((await _app.Monitor.WaitAsync(id, wait.Token)).Status, Is.EqualTo(JobStatus.Cancelled));
        }

        await Assertions.Expect(_page.Locator("h1 .status")).ToHaveTextAsync("Cancelled");
        await Assertions.Expect(_page.Locator("#cancel")).ToHaveCountAsync(0);
        await Chromium.AttachScreenshotAsync(_page, $"{store}-job-cancelled", "A job cancelled from its page.");
    }

    [Test]
    public async Task Retry_FailedTypedJob_RunsAgainAsANewJob(CancellationToken ct)
    {
        _app.Signals.SetFailing("browser", true);
        var failed = await _app.Queue.EnqueueAsync<FlakyJob, FlakyArgs>(new FlakyArgs("browser", "retry me"), cancellationToken: ct);
        await _app.Monitor.WaitAsync(failed, ct);
        await GoAsync($"/jobs/job/{failed}");
        await Assertions.Expect(_page.Locator("#error")).ToContainTextAsync("flaky job browser failed on purpose");
        await Chromium.AttachScreenshotAsync(_page, $"{store}-job-failed", "A failed typed job: its error, stack trace, arguments and actions.");
        _app.Signals.SetFailing("browser", false);

        await _page.Locator("#retry").ClickAsync();

        await Assertions.Expect(_page.Locator("#retried-notice")).ToContainTextAsync(failed.ToString());
        var newId = JobId.Parse(await _page.Locator(".job-page").GetAttributeAsync("data-job-id") ?? "");
        Assert.That(newId, Is.Not.EqualTo(failed));
        await Assertions.Expect(_page.Locator("h1 .status")).ToHaveTextAsync("Succeeded");
        var rerun = await _app.Monitor.GetAsync(newId, ct);
        Assert.That(rerun!.Status, Is.EqualTo(JobStatus.Succeeded));
        Assert.That(rerun.Name, Is.EqualTo(FlakyJob.Name));
        Assert.That((await _app.Monitor.GetAsync(failed, ct))!.Status, Is.EqualTo(JobStatus.Failed), "the failed record stays");
        await Chromium.AttachScreenshotAsync(_page, $"{store}-job-retried", "The new job that re-ran the failed one, linking back to it.");
    }

    [Test]
    public async Task Delete_FinishedJob_AfterConfirmingIsGone(CancellationToken ct)
    {
        var id = await _app.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Name = "old-report" }, ct);
        await _app.Monitor.WaitAsync(id, ct);
        await GoAsync($"/jobs/job/{id}");
        _page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        await _page.Locator("#delete").ClickAsync();

        await Assertions.Expect(_page.Locator(".notice")).ToContainTextAsync($"Job {id} was deleted.");
        Assert.That(await _app.Monitor.GetAsync(id, ct), Is.Null);
    }

    [Test]
    public async Task CrossOrigin_FormOnAnotherSite_CannotCancel(CancellationToken ct)
    {
        var id = await _app.EnqueueStepsAsync("cross-site", steps: 1);
        await Wait.ForStatusAsync(_app.Monitor, id, JobStatus.Running, ct);
        await GoAsync($"/jobs/job/{id}"); // the user has the dashboard open: its antiforgery cookie is set
        var target = new Uri(_app.Address, $"/jobs/job/{id}/cancel");
        await _page.RouteAsync("http://evil.test/**", route => route.FulfillAsync(new()
        {
            ContentType = "text/html",
            Body = $"<form id=f method=post action=\"{target}\"><input name=x value=1></form><script>document.getElementById('f').submit()</script>",
        }));

        var response = await _page.RunAndWaitForResponseAsync(() => _page.GotoAsync("http://evil.test/"), r => r.Url == target.ToString());

        Assert.That(response.Status, Is.EqualTo(403));
        Assert.That(await response.TextAsync(), Does.Contain("another site"));
        Assert.That((await _app.Monitor.GetAsync(id, ct))!.Status, Is.EqualTo(JobStatus.Running), "the job goes on");
        _app.Signals.Release("cross-site");
        Assert.That((await _app.Monitor.WaitAsync(id, ct)).Status, Is.EqualTo(JobStatus.Succeeded));
    }

    private async Task GoAsync(string path)
    {
        var response = await _page.GotoAsync(new Uri(_app.Address, path).ToString());
        Assert.That(response?.Status, Is.EqualTo(200), path);
    }
}
