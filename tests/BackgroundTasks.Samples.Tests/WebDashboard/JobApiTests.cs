using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackgroundTasks.Samples.Tests.WebDashboard;

[CancelAfter(30_000)]
public sealed class JobApiTests
{
    private DashboardFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        _factory = new DashboardFactory(pageTime: TimeSpan.FromMilliseconds(20));
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    [Test]
    public async Task Post_ValidReport_Returns202WithJobUrlAndSnapshot(CancellationToken cancellationToken)
    {
        using var response = await _client.PostAsJsonAsync("/api/jobs", new { name = "sales", pages = 3 }, cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var job = await ReadJsonAsync(response, cancellationToken);
        var id = (string)job["id"]!;
        Assert.Multiple(() =>
        {
            Assert.That(id, Does.Match("^[0-9a-f]{32}$"));
            Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/jobs/{id}"));
            Assert.That((string?)job["name"], Is.EqualTo("sales"));
            Assert.That((string?)job["status"], Is.AnyOf("Queued", "Running", "Succeeded"));
        });
    }

    [TestCase("{ \"pages\": 5 }", "name")]
    [TestCase("{ \"name\": \"  \", \"pages\": 5 }", "name")]
    [TestCase("{ \"name\": \"sales\" }", "pages")]
    [TestCase("{ \"name\": \"sales\", \"pages\": 0 }", "pages")]
    [TestCase("{ \"name\": \"sales\", \"pages\": 1001 }", "pages")]
    public async Task Post_InvalidField_Returns400ProblemNamingField(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/jobs", content);

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]?[field], Is.Not.Null, $"the problem should name '{field}': {problem}");
    }

    [Test]
    public async Task Post_MalformedJson_Returns400Problem(CancellationToken cancellationToken)
    {
        using var content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/api/jobs", content, cancellationToken);

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That((int?)problem["status"], Is.EqualTo(400));
    }

    [Test]
    public async Task Get_FinishedJob_ReturnsSucceededSnapshotWithResult(CancellationToken cancellationToken)
    {
        var id = await StartAsync("q1-summary", pages: 2, cancellationToken);
        await _factory.Monitor.WaitAsync(JobId.Parse(id), cancellationToken);

        using var response = await _client.GetAsync($"/api/jobs/{id}", cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var job = await ReadJsonAsync(response, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That((string?)job["id"], Is.EqualTo(id));
            Assert.That((string?)job["status"], Is.EqualTo("Succeeded"));
            Assert.That((string?)job["result"], Is.EqualTo("q1-summary.pdf (2 pages)"));
            Assert.That((double?)job["progress"]?["percent"], Is.EqualTo(100));
            Assert.That((long?)job["progress"]?["itemsDone"], Is.EqualTo(2));
            Assert.That(job["finishedAt"]?.GetValueKind(), Is.EqualTo(JsonValueKind.String));
        });
    }

    [Test]
    public async Task Get_UnknownId_Returns404Problem(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync($"/api/jobs/{UnknownId}", cancellationToken);

        await ReadProblemAsync(response, HttpStatusCode.NotFound);
    }

    [TestCase("not-a-job-id")]
    [TestCase("00000000000000000000000000000000")]
    [TestCase("0123456789abcdef0123456789abcdeg")]
    public async Task Get_MalformedId_Returns400ProblemNamingId(string id)
    {
        using var response = await _client.GetAsync($"/api/jobs/{id}");

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]?["id"], Is.Not.Null, problem.ToJsonString());
    }

    [Test]
    public async Task Events_RunningJob_StreamsSnapshotsEndingWithTerminalOne(CancellationToken cancellationToken)
    {
        var id = await StartAsync("streamed", pages: 10, cancellationToken);

        using var response = await _client.GetAsync($"/api/jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));

        // The server ends the stream after the terminal snapshot; reading to the end proves it does.
        var snapshots = new List<JsonNode>();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            snapshots.Add(JsonNode.Parse(item.Data)!);
        }

        var statuses = snapshots.Select(s => (string)s["status"]!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(snapshots, Has.Count.GreaterThanOrEqualTo(2), string.Join(", ", statuses));
            Assert.That(snapshots.Select(s => (string?)s["id"]), Is.All.EqualTo(id));
            Assert.That(statuses[^1], Is.EqualTo("Succeeded"));
            Assert.That(statuses.Take(statuses.Count - 1), Is.All.AnyOf("Queued", "Running"), "only the last snapshot is terminal");
            Assert.That(snapshots.Select(s => (double)s["progress"]!["percent"]!), Is.Ordered, "progress only moves forward");
        });
    }

    [Test]
    public async Task Events_UnknownId_Returns404Problem(CancellationToken cancellationToken)
    {
        using var response = await _client.GetAsync($"/api/jobs/{UnknownId}/events", cancellationToken);

        await ReadProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Delete_RunningJob_Returns202AndJobEndsCancelled(CancellationToken cancellationToken)
    {
        var id = await StartAsync("too-long", pages: 1000, cancellationToken);

        using var response = await _client.DeleteAsync($"/api/jobs/{id}", cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/jobs/{id}"));
        var final = await _factory.Monitor.WaitAsync(JobId.Parse(id), cancellationToken);
        Assert.That(final.Status, Is.EqualTo(JobStatus.Cancelled));
        var job = await ReadJsonAsync(await _client.GetAsync($"/api/jobs/{id}", cancellationToken), cancellationToken);
        Assert.That((string?)job["status"], Is.EqualTo("Cancelled"));
    }

    [Test]
    public async Task Delete_FinishedJob_Returns409Problem(CancellationToken cancellationToken)
    {
        var id = await StartAsync("quick", pages: 1, cancellationToken);
        await _factory.Monitor.WaitAsync(JobId.Parse(id), cancellationToken);

        using var response = await _client.DeleteAsync($"/api/jobs/{id}", cancellationToken);

        var problem = await ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.That((string?)problem["detail"], Does.Contain("Succeeded"));
    }

    [Test]
    public async Task Delete_UnknownId_Returns404Problem(CancellationToken cancellationToken)
    {
        using var response = await _client.DeleteAsync($"/api/jobs/{UnknownId}", cancellationToken);

        await ReadProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task List_TakeTwo_PagesNewestFirstWithNextLink(CancellationToken cancellationToken)
    {
        var first = await StartAsync("page-a", pages: 1, cancellationToken);
        var second = await StartAsync("page-b", pages: 1, cancellationToken);
        var third = await StartAsync("page-c", pages: 1, cancellationToken);

        var page1 = await ReadJsonAsync(await _client.GetAsync("/api/jobs?take=2", cancellationToken), cancellationToken);
        var next = (string?)page1["next"];
        Assert.That(next, Is.EqualTo("/api/jobs?skip=2&take=2"));
        var page2 = await ReadJsonAsync(await _client.GetAsync(next, cancellationToken), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Ids(page1), Is.EqualTo(new[] { third, second }));
            Assert.That(Ids(page2).First(), Is.EqualTo(first));
            Assert.That((int?)page2["skip"], Is.EqualTo(2));
        });
    }

    [Test]
    public async Task List_StatusFilter_ReturnsOnlyThatStatus(CancellationToken cancellationToken)
    {
        var running = await StartAsync("long-runner", pages: 1000, cancellationToken);
        var done = await StartAsync("short-one", pages: 1, cancellationToken);
        await _factory.Monitor.WaitAsync(JobId.Parse(done), cancellationToken);
        try
        {
            var page = await ReadJsonAsync(await _client.GetAsync("/api/jobs?status=succeeded&take=100", cancellationToken), cancellationToken);

            var items = page["items"]!.AsArray();
            Assert.That(items.Select(j => (string?)j!["status"]), Is.All.EqualTo("Succeeded"));
            Assert.That(Ids(page), Does.Contain(done).And.Not.Contain(running));
        }
        finally
        {
            await _factory.Monitor.CancelAsync(JobId.Parse(running), cancellationToken);
        }
    }

    [TestCase("status=Sleeping", "status")]
    [TestCase("status=4", "status")]
    [TestCase("skip=-1", "skip")]
    [TestCase("skip=abc", "skip")]
    [TestCase("take=0", "take")]
    [TestCase("take=101", "take")]
    public async Task List_BadQuery_Returns400ProblemNamingField(string query, string field)
    {
        using var response = await _client.GetAsync($"/api/jobs?{query}");

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem["errors"]?[field], Is.Not.Null, problem.ToJsonString());
    }

    [Test]
    public async Task Get_Root_RedirectsToTheDashboard(CancellationToken cancellationToken)
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/", cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/jobs"));
    }

    [Test]
    public async Task Get_DashboardFromAnUnknownAddress_Returns403(CancellationToken cancellationToken)
    {
        // The test server gives requests no remote address: not local, and the sample sets no policy.
        using var response = await _client.GetAsync("/jobs", cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(cancellationToken), Does.Contain("RequireAuthorization"));
    }

    private static string UnknownId => "0123456789abcdef0123456789abcdef";

    private static List<string?> Ids(JsonNode page) => [.. page["items"]!.AsArray().Select(j => (string?)j!["id"])];

    private async Task<string> StartAsync(string name, int pages, CancellationToken cancellationToken)
    {
        using var response = await _client.PostAsJsonAsync("/api/jobs", new { name, pages }, cancellationToken);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync(cancellationToken));
        return (string)(await ReadJsonAsync(response, cancellationToken))["id"]!;
    }

    private static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
        => JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) ?? throw new AssertionException("The response body is empty.");

    private static async Task<JsonNode> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        var problem = JsonNode.Parse(body)!;
        Assert.That((int?)problem["status"], Is.EqualTo((int)expected), body);
        return problem;
    }
}
