using System.Text.Json;

namespace BackgroundTasks.Tests.Jobs;

/// <summary>What an endpoint's <c>Results.Ok(record)</c> writes: ASP.NET Core uses <see cref="JsonSerializerOptions.Web"/>.</summary>
public sealed class JobRecordJsonTests
{
    [Test]
    public void Serialize_WebOptions_WritesIdsAndEnumsAsTextAndReadsThemBack()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var record = new JobRecord
        {
            Id = JobId.NewId(),
            Name = "report",
            Queue = "mail",
            Priority = JobPriority.High,
            Status = JobStatus.Cancelled,
            Attempt = 2,
            MaxAttempts = 3,
            EnqueuedAt = at,
            ScheduledAt = null,
            StartedAt = at.AddSeconds(1),
            FinishedAt = at.AddSeconds(2),
            Progress = new JobProgress(50, "page 5 of 10", 5, 10),
            Error = new JobError("System.TimeoutException", "too slow", "stack", timedOut: true),
            ParentId = JobId.NewId(),
            Arguments = """{"pages":10}""",
            CancelReason = JobCancelReason.Shutdown,
        };

        var json = JsonSerializer.Serialize(record, JsonSerializerOptions.Web);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.That(root.GetProperty("id").GetString(), Is.EqualTo(record.Id.ToString()));
        Assert.That(root.GetProperty("parentId").GetString(), Is.EqualTo(record.ParentId.ToString()));
        Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("Cancelled"));
        Assert.That(root.GetProperty("priority").GetString(), Is.EqualTo("High"));
        Assert.That(root.GetProperty("cancelReason").GetString(), Is.EqualTo("Shutdown"));

        var back = JsonSerializer.Deserialize<JobRecord>(json, JsonSerializerOptions.Web);

        Assert.That(back, Is.EqualTo(record));
    }

    [Test]
    public void Serialize_WebOptions_ResultIsReadBackAsJson()
    {
        var record = new JobRecord { Id = JobId.NewId(), Queue = "default", Status = JobStatus.Succeeded, Result = 42 };

        var json = JsonSerializer.Serialize(record, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<JobRecord>(json, JsonSerializerOptions.Web)!;

        Assert.That(json, Does.Contain("\"status\":\"Succeeded\"").And.Contain("\"result\":42").And.Contain("\"parentId\":null"));
        Assert.That(back with { Result = null }, Is.EqualTo(record with { Result = null }));
        Assert.That(back.Result, Is.TypeOf<JsonElement>().And.Property(nameof(JsonElement.ValueKind)).EqualTo(JsonValueKind.Number), "An object-typed result comes back as a JsonElement.");
    }

    [Test]
    public void Deserialize_StatusAsNumber_IsStillRead()
    {
        var id = JobId.NewId();

        var record = JsonSerializer.Deserialize<JobRecord>($$"""{"id":"{{id}}","queue":"default","status":4}""", JsonSerializerOptions.Web);

        Assert.That(record, Is.EqualTo(new JobRecord { Id = id, Queue = "default", Status = JobStatus.Succeeded }));
    }
}
