namespace BackgroundTasks.PostgreSql.Tests.Store;

[CancelAfter(60_000)]
public sealed class ContinuationTests
{
    [Test]
    public async Task AddAsync_RacingTheEndOfItsJobOnAnotherHost_NeverLeavesTheContinuationWaiting(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var ending = schema.Open();
        await using var adding = schema.Open();
        var continuations = new List<JobId>();
        for (var round = 0; round < 40; round++)
        {
            var parent = TestJobs.Typed();
            await ending.AddAsync(parent, ct);
            var next = Continuation(parent.Id, JobContinuation.Succeeded);
            continuations.Add(next.Id);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var end = Task.Run(
                async () =>
                {
                    await start.Task;
                    return await ending.TransitionAsync(parent.Id, new JobTransition(JobStatus.Succeeded, 1, TestJobs.Start.AddSeconds(round)), ct);
                },
                ct);
            var add = Task.Run(
                async () =>
                {
                    await start.Task;
                    await adding.AddAsync(next, ct);
                },
                ct);
            start.SetResult();
            await Task.WhenAll(end, add);
            Assert.That(await end, Is.True);
        }

        foreach (var id in continuations)
        {
            var record = await adding.GetAsync(id, ct);
            Assert.That((record!.Status, record.ScheduledAt), Is.EqualTo((JobStatus.Queued, (DateTimeOffset?)null)), $"Continuation {id} was released whichever of the add and the end came first.");
        }
    }

    [Test]
    public async Task TransitionAsync_ParentSucceeds_AnotherHostHearsTheContinuationsQueue(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var ending = schema.Open();
        await using var listening = schema.Open();
        await listening.Notifier.Listening.WaitAsync(ct);
        var parent = TestJobs.Typed();
        await ending.AddAsync(parent, ct);
        await ending.AddAsync(Continuation(parent.Id, JobContinuation.Succeeded) with { Queue = "reports" }, ct);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        ((IJobStoreNotifications)listening).JobsReady += queue =>
        {
            if (queue == "reports")
            {
                heard.TrySetResult(queue);
            }
        };

        await ending.TransitionAsync(parent.Id, new JobTransition(JobStatus.Succeeded, 1, TestJobs.Start), ct);

        Assert.That(await heard.Task.WaitAsync(TimeSpan.FromSeconds(20), ct), Is.EqualTo("reports"), "The release is announced with the queue of the continuation.");
    }

    [Test]
    public async Task AddAsync_ContinuationOfAJobWaitingToBeClaimed_AnnouncesThatJobsQueueOnceCommitted(CancellationToken ct)
    {
        // The add locks the job it continues (FOR SHARE), and claims skip locked rows: they must look again after it.
        await using var schema = new TestSchema();
        await using var adding = schema.Open();
        await using var listening = schema.Open();
        await listening.Notifier.Listening.WaitAsync(ct);
        var parent = TestJobs.Typed("mail");

        // Added by the listening store itself, whose own announcements it does not hear.
        await listening.AddAsync(parent, ct);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ((IJobStoreNotifications)listening).JobsReady += queue =>
        {
            if (queue == "mail")
            {
                heard.TrySetResult();
            }
        };

        await adding.AddAsync(Continuation(parent.Id, JobContinuation.Succeeded) with { Queue = "reports" }, ct);

        Assert.That(async () => await heard.Task.WaitAsync(TimeSpan.FromSeconds(20), ct), Throws.Nothing, "The queue of the job continued is announced again.");
    }

    [Test]
    public async Task RecoverAsync_AbandonedParent_CancelsItsSucceededContinuationsDownTheChainAndReleasesFinishedOnes(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var parent = TestJobs.Typed(maxAttempts: 1);
        await store.AddAsync(parent, ct);
        var onSuccess = Continuation(parent.Id, JobContinuation.Succeeded);
        var grandchild = Continuation(onSuccess.Id, JobContinuation.Succeeded);
        var always = Continuation(parent.Id, JobContinuation.Finished);
        await store.AddAsync(onSuccess, ct);
        await store.AddAsync(grandchild, ct);
        await store.AddAsync(always, ct);
        await store.ClaimAsync("default", "host-b/1", 1, TestJobs.Start, ct);
        var now = TestJobs.Start.AddMinutes(1);

        var result = await store.RecoverAsync(now, host: null, currentOwner: "host-a/1", ct);

        Assert.That(result.Abandoned, Is.EqualTo(new[] { parent.Id }));
        var cancelled = await store.GetAsync(onSuccess.Id, ct);
        Assert.That((cancelled!.Status, cancelled.FinishedAt, cancelled.CancelReason), Is.EqualTo((JobStatus.Cancelled, (DateTimeOffset?)now, JobCancelReason.Requested)));
        Assert.That(cancelled.Error!.Message, Does.Contain(parent.Id.ToString()).And.Contain("ended Failed"));
        var second = await store.GetAsync(grandchild.Id, ct);
        Assert.That((second!.Status, second.FinishedAt), Is.EqualTo((JobStatus.Cancelled, (DateTimeOffset?)now)));
        Assert.That(second.Error!.Message, Does.Contain(onSuccess.Id.ToString()).And.Contain("ended Cancelled"));
        Assert.That((await store.GetAsync(always.Id, ct))!.Status, Is.EqualTo(JobStatus.Queued));
        Assert.That((await store.ClaimAsync("default", "host-a/1", 5, now, ct)).Select(j => j.Id), Is.EqualTo(new[] { always.Id }));
    }

    [Test]
    public async Task TransitionAsync_ByTheOwnerThatClaimedTheParent_ReleasesAContinuationThatKeepsItsOwner(CancellationToken ct)
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var durable = (IDurableJobStore)store;
        var parent = TestJobs.Lambda();
        var next = Continuation(parent.Id, JobContinuation.Succeeded) with { Arguments = null };
        await durable.AddAsync(parent, "host-a/1", ct);
        await durable.AddAsync(next, "host-a/1", ct);
        await store.ClaimAsync("default", "host-a/1", 1, TestJobs.Start, ct);

        Assert.That((await durable.TransitionAsync(parent.Id, new JobTransition(JobStatus.Succeeded, 1, TestJobs.Start.AddSeconds(1)), "host-a/1", ct)).IsRecorded, Is.True);

        Assert.That((await store.GetAsync(next.Id, ct))!.Status, Is.EqualTo(JobStatus.Queued));
        Assert.That(await store.ClaimAsync("default", "host-b/1", 5, TestJobs.Start.AddSeconds(2), ct), Is.Empty, "Only the host that holds a lambda continuation's code claims it.");
        Assert.That((await store.ClaimAsync("default", "host-a/1", 5, TestJobs.Start.AddSeconds(2), ct)).Single().Id, Is.EqualTo(next.Id));
    }

    private static JobRecord Continuation(JobId parent, JobContinuation when)
        => TestJobs.Typed() with { Status = JobStatus.Scheduled, ScheduledAt = DateTimeOffset.MaxValue, ContinueAfter = parent, ContinueWhen = when };
}
