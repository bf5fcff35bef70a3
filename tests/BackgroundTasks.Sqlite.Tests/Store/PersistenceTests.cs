using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BackgroundTasks.Sqlite.Tests.Store;

public sealed class PersistenceTests
{
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Dispose();

    [Test]
    public async Task Reopen_AfterDispose_SeesEveryFieldOfEveryCommittedJob()
    {
        var t = TestJobs.Start;
        var parent = TestJobs.Typed() with { Name = "parent", Priority = JobPriority.High, EnqueuedAt = t.AddTicks(1234567) };
        var child = TestJobs.Scheduled(t.AddMinutes(5)) with { ParentId = parent.Id, Queue = "mail", Priority = JobPriority.Low, MaxAttempts = 4, Arguments = """{"to":"ünï@example.org"}""" };
        var lambda = TestJobs.Lambda() with { Name = null };
        var error = new JobError("System.TimeoutException", "too slow", "System.TimeoutException: too slow\n   at Job()", timedOut: true);
        var progress = new JobProgress(37.125, "copying files", 371, 1000);
        await using (var store = _database.Open())
        {
            await store.AddManyAsync([parent, child, lambda]);
            await store.TransitionAsync(parent.Id, new JobTransition(JobStatus.Running, 1, t.AddSeconds(1)));
            await store.ReportProgressAsync(parent.Id, progress);
            await store.TransitionAsync(parent.Id, new JobTransition(JobStatus.Retrying, 1, t.AddSeconds(2), t.AddSeconds(30), error));
            await store.TransitionAsync(parent.Id, new JobTransition(JobStatus.Queued, 1, t.AddSeconds(30)));
            await store.TransitionAsync(parent.Id, new JobTransition(JobStatus.Running, 2, t.AddSeconds(31)));
            await store.TransitionAsync(parent.Id, new JobTransition(JobStatus.Succeeded, 2, t.AddSeconds(32), Result: 12.5m));
            await store.TransitionAsync(child.Id, new JobTransition(JobStatus.Cancelled, 0, t.AddSeconds(3), CancelReason: JobCancelReason.Shutdown));
            await store.ReportProgressAsync(lambda.Id, new JobProgress(10));
        }

        await using var reopened = _database.Open();

        Assert.That(await reopened.GetAsync(parent.Id), Is.EqualTo(parent with
        {
            Status = JobStatus.Succeeded,
            Attempt = 2,
            StartedAt = t.AddSeconds(31),
            FinishedAt = t.AddSeconds(32),
            Progress = progress,
            Error = error,
            Result = 12.5m,
        }));
        Assert.That(await reopened.GetAsync(child.Id), Is.EqualTo(child with { Status = JobStatus.Cancelled, ScheduledAt = null, FinishedAt = t.AddSeconds(3), CancelReason = JobCancelReason.Shutdown }));
        Assert.That(await reopened.GetAsync(lambda.Id), Is.EqualTo(lambda with { Progress = new JobProgress(10) }));
        Assert.That((await reopened.QueryAsync(new JobQuery { ParentId = parent.Id })).Select(r => r.Id), Is.EqualTo(new[] { child.Id }));
    }

    [Test]
    public async Task QueryAsync_JobsAddedInAnyOrder_ComeNewestFirstWithTheirLatestProgress()
    {
        await using var store = _database.Open();
        var jobs = Enumerable.Range(0, 40).Select(i => TestJobs.Typed(queue: i % 2 == 0 ? "even" : "odd")).ToList();
        var random = new Random(7);
        foreach (var job in jobs.OrderBy(_ => random.Next()))
        {
            await store.AddAsync(job);
        }

        foreach (var (job, i) in jobs.Select((job, i) => (job, i)))
        {
            await store.ReportProgressAsync(job.Id, new JobProgress(i, $"step {i}"));
            await store.ReportProgressAsync(job.Id, new JobProgress(i + 0.5, $"step {i}.5"));
        }

        var all = await store.QueryAsync(new JobQuery { Take = 100 });
        var page2 = await store.QueryAsync(new JobQuery { Queue = "odd", Skip = 5, Take = 5 });

        Assert.That(all.Select(r => r.Id), Is.EqualTo(jobs.Select(j => j.Id).Reverse()));
        Assert.That(all.Select(r => r.Progress.Message), Is.EqualTo(jobs.Select((_, i) => $"step {i}.5").Reverse()));
        Assert.That(page2.Select(r => r.Id), Is.EqualTo(jobs.Where((_, i) => i % 2 == 1).Select(j => j.Id).Reverse().Skip(5).Take(5)));
    }

    [Test]
    public async Task ReportProgressAsync_FinishedOrUnknownJob_ReturnsFalse()
    {
        await using var store = _database.Open();
        var job = TestJobs.Typed();
        await store.AddAsync(job);
        await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Cancelled, 0, TestJobs.Start));

        Assert.That(await store.ReportProgressAsync(job.Id, new JobProgress(50)), Is.False);
        Assert.That(await store.ReportProgressAsync(JobId.NewId(), new JobProgress(50)), Is.False);
    }

    private static IEnumerable<object> Results() =>
    [
        "text", "", 42, -7L, true, false, 3.141592653589793, 1.5f, 12.345m, (short)-3, (byte)200, 7u, ulong.MaxValue, 'x',
        Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"),
        new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1),
        new DateTime(2026, 5, 6, 7, 8, 9, DateTimeKind.Utc), TimeSpan.FromMilliseconds(1234.5), JobId.NewId(),
    ];

    [TestCaseSource(nameof(Results))]
    public async Task SucceededResult_CommonType_ComesBackAsAnEqualValueOfTheSameType(object result)
    {
        var read = await RoundTripAsync(result, resultOptions: null);

        Assert.That(read, Is.EqualTo(result));
        Assert.That(read!.GetType(), Is.EqualTo(result.GetType()));
        if (result is DateTimeOffset time)
        {
            Assert.That(((DateTimeOffset)read).Offset, Is.EqualTo(time.Offset), "The offset survives too.");
        }
    }

    [Test]
    public async Task SucceededResult_JsonElement_ComesBackAsTheSameJson()
    {
        var json = JsonDocument.Parse("""{"total":3,"names":["a","b"]}""").RootElement;

        var read = await RoundTripAsync(json, resultOptions: null);

        Assert.That(read, Is.InstanceOf<JsonElement>());
        Assert.That(((JsonElement)read!).GetRawText(), Is.EqualTo(json.GetRawText()));
    }

    [Test]
    public async Task SucceededResult_OtherTypeWithoutJsonOptions_IsKeptAsItsText()
    {
        var read = await RoundTripAsync(new Report(3, "done"), resultOptions: null);

        Assert.That(read, Is.EqualTo("Report { Count = 3, Summary = done }"));
    }

    [Test]
    public async Task SucceededResult_OtherTypeThatTheJsonOptionsKnow_ComesBackAsJson()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

        var read = await RoundTripAsync(new Report(3, "done"), options);

        Assert.That(read, Is.InstanceOf<JsonElement>());
        Assert.That(((JsonElement)read!).GetRawText(), Is.EqualTo("""{"Count":3,"Summary":"done"}"""));
    }

    [Test]
    public async Task SucceededResult_ToStringThrows_KeepsTheTypeNameAndStillRecordsTheOutcome()
    {
        var read = await RoundTripAsync(new Unprintable(), resultOptions: null);

        Assert.That(read, Is.EqualTo(typeof(Unprintable).FullName));
    }

    private async Task<object?> RoundTripAsync(object result, JsonSerializerOptions? resultOptions)
    {
        var job = TestJobs.Typed();
        await using (var store = _database.Open(o => o.ResultSerializerOptions = resultOptions))
        {
            await store.AddAsync(job);
            await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Running, 1, TestJobs.Start));
            Assert.That(await store.TransitionAsync(job.Id, new JobTransition(JobStatus.Succeeded, 1, TestJobs.Start, Result: result)), Is.True);
        }

        await using var reopened = _database.Open();
        return (await reopened.GetAsync(job.Id))!.Result;
    }

    public sealed record Report(int Count, string Summary);

    private sealed class Unprintable
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }
}
