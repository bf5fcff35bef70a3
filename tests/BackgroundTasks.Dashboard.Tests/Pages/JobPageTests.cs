using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace BackgroundTasks.Dashboard.Tests.Pages;

[CancelAfter(30_000)]
public sealed class JobPageTests
{
    [Test]
    public async Task JobPage_FailedJob_ShowsAttemptsTimingsAndError(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.Queue.EnqueueAsync(
            _ => throw new TimeoutException("the mail server did not answer"),
            new JobOptions { Name = "send-mail", MaxAttempts = 2, Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 } },
            ct);
        await app.Monitor.WaitAsync(id, ct);
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync($"/jobs/job/{id}");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<h1>send-mail <span class=\"status s-failed\" data-status=\"Failed\">Failed</span></h1>"));
            Assert.That(html, Does.Contain("<span data-live=\"attempt\">2</span> of 2"));
            Assert.That(html, Does.Contain("<code class=\"type\">System.TimeoutException</code> <span class=\"badge\">timed out</span>"));
            Assert.That(html, Does.Contain("the mail server did not answer"));
            Assert.That(html, Does.Contain("<pre class=\"stack\">System.TimeoutException: the mail server did not answer"));
            Assert.That(html, Does.Contain("<dt>Enqueued</dt>").And.Contain("<dt>Started</dt>").And.Contain("<dt>Finished</dt>").And.Contain("<dt>Ran</dt>"));
            Assert.That(html, Does.Not.Contain("data-job-events"), "a finished job is not followed");
        });
    }

    [Test]
    public async Task JobPage_SucceededJobWithResult_ShowsResultAndArguments(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.EnqueueStepsAsync("result", steps: 2);
        app.Signals.Release("result", 2);
        await app.Monitor.WaitAsync(id, ct);
        using var client = app.CreateClient();

        var html = await new PageSession(client).GetPageAsync($"/jobs/job/{id}");

        Assert.That(html, Does.Contain("<pre class=\"result\">2 steps done</pre>"));
        Assert.That(html, Does.Contain("<pre class=\"arguments\">{\n  &quot;gate&quot;: &quot;result&quot;,\n  &quot;steps&quot;: 2\n}</pre>").Or.Contain("&quot;gate&quot;: &quot;result&quot;"));
        Assert.That(html, Does.Contain("aria-valuenow=\"100\""));
    }

    [Test]
    public async Task JobPage_UnknownOrMalformedId_Returns404Or400()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();
        var session = new PageSession(client);

        Assert.That(await session.GetPageAsync("/jobs/job/0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound), Does.Contain("No job 0123456789abcdef0123456789abcdef is known here"));
        Assert.That(await session.GetPageAsync("/jobs/job/nope", HttpStatusCode.BadRequest), Does.Contain("32 hexadecimal digits"));
    }

    [Test]
    public async Task Find_ValidId_RedirectsToTheJob()
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();
        var id = JobId.NewId();

        using var response = await client.GetAsync($"/jobs/find?id=+{id}+");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/jobs/job/{id}"));
    }

    [Test]
    public async Task Events_RunningJob_StreamsProgressAndEndsWithTheTerminalState(CancellationToken ct)
    {
        await using var app = await DashboardApp.StartAsync();
        var id = await app.EnqueueStepsAsync("events", steps: 4);
        await Wait.ForStatusAsync(app.Monitor, id, JobStatus.Running, ct);
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/jobs/job/{id}/events", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));

        var states = new List<JsonElement>();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(ct))
        {
            var state = JsonDocument.Parse(item.Data).RootElement;
            states.Add(state);
            if (states.Count == 1)
            {
                app.Signals.Release("events", 4);
            }
        }

        var percents = states.Select(s => s.GetProperty("percent").GetDouble()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(states[^1].GetProperty("status").GetString(), Is.EqualTo("Succeeded"));
            Assert.That(states[^1].GetProperty("terminal").GetBoolean(), Is.True);
            Assert.That(states.Take(states.Count - 1).Select(s => s.GetProperty("terminal").GetBoolean()), Is.All.False);
            Assert.That(percents, Is.Ordered);
            Assert.That(percents[^1], Is.EqualTo(100));
            Assert.That(states[^1].GetProperty("items").GetString(), Is.EqualTo("4 of 4 items"));
        });
    }

    [Test]
    public async Task Follow_JobThisProcessDoesNotRun_ReadsTheStoreUntilItFinishes(CancellationToken ct)
    {
        // A record added straight to the store: no live job here, as on a store shared with another host.
        await using var app = await DashboardApp.StartAsync();
        var id = JobId.NewId();
        var now = DateTimeOffset.UnixEpoch;
        await app.Store.AddAsync(new JobRecord { Id = id, Queue = "elsewhere", Status = JobStatus.Queued, EnqueuedAt = now }, ct);
        await app.Store.TransitionAsync(id, new JobTransition(JobStatus.Running, 1, now), ct);
        var time = new ImmediateTimers();

        var seen = new List<JobStatus>();
        await foreach (var record in JobEvents.FollowAsync(app.Monitor, time, id, ct))
        {
            seen.Add(record.Status);
            if (seen.Count == 1)
            {
                await app.Store.TransitionAsync(id, new JobTransition(JobStatus.Succeeded, 1, now), ct);
            }
        }

        Assert.That(seen, Is.EqualTo(new[] { JobStatus.Running, JobStatus.Succeeded }));
    }

    /// <summary>A clock whose timers fire at once: the poll between two reads of the store takes no time.</summary>
    private sealed class ImmediateTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            => base.CreateTimer(callback, state, TimeSpan.Zero, period);
    }
}
