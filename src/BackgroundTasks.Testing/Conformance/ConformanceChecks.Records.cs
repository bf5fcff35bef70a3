namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static readonly JobQuery s_all = new() { Take = 10_000 };

    private static async Task AddThenGetRoundTripsAsync(CheckContext context)
    {
        var parent = await context.AddAsync(ContractModel.NewJob()).ConfigureAwait(false);
        var queued = ContractModel.NewJob() with
        {
            Name = "nightly-report",
            Queue = "reports",
            Priority = JobPriority.High,
            MaxAttempts = 5,
            EnqueuedAt = ContractModel.BaseTime.AddMilliseconds(1234),
            ParentId = parent.Id,
        };
        var scheduled = ContractModel.NewJob(JobStatus.Scheduled) with
        {
            Name = null,
            Queue = "mail",
            Priority = JobPriority.Low,
            MaxAttempts = 1,
            EnqueuedAt = ContractModel.BaseTime.AddMilliseconds(5678),
            ScheduledAt = ContractModel.BaseTime.AddMinutes(10).AddMilliseconds(1),
        };
        await context.AddAsync(queued).ConfigureAwait(false);
        await context.AddAsync(scheduled).ConfigureAwait(false);

        var page = await context.Store.QueryAsync(s_all, context.CancellationToken).ConfigureAwait(false);
        foreach (var job in new[] { queued, scheduled })
        {
            var found = page.Where(r => r.Id == job.Id).ToList();
            if (found.Count != 1)
            {
                context.Fail($"QueryAsync(new JobQuery {{ Take = 10000 }}) after AddAsync of 3 jobs", "the page holds each recorded job once", $"returned job {job.Id} {found.Count} times");
            }
            else if (RecordText.Diff(job, found[0]) is { Length: > 0 } diff)
            {
                context.Fail($"QueryAsync(new JobQuery {{ Take = 10000 }}) after AddAsync of a {job.Status} job", "QueryAsync returns every field that AddAsync recorded", $"returned a record that differs: {diff}");
            }
        }
    }

    private static async Task AddDuplicateIdIsRejectedAsync(CheckContext context)
    {
        var job = await context.AddAsync(ContractModel.NewJob()).ConfigureAwait(false);
        await AddDuplicateAsync(context, job, job.Expected with { Name = "impostor", Queue = "other", Priority = JobPriority.High, MaxAttempts = 9 }, "a Queued job").ConfigureAwait(false);

        await context.StepAsync(job, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await AddDuplicateAsync(context, job, job.Expected with { Status = JobStatus.Queued, Attempt = 0, StartedAt = null }, "a Running job (the same record as first added)").ConfigureAwait(false);
    }

    private static async Task AddDuplicateAsync(CheckContext context, ExpectedJob job, JobRecord duplicate, string what)
    {
        var did = $"AddAsync of a second job with the id of {what}";
        const string Rule = "AddAsync throws ArgumentException when a job with the same id is already recorded, and changes nothing";
        try
        {
            await context.Store.AddAsync(duplicate, context.CancellationToken).ConfigureAwait(false);
            context.Fail(did, Rule, "accepted it without an exception");
        }
        catch (ArgumentException)
        {
        }
#pragma warning disable CA1031 // Any other exception is a violation to report, not a crash of the kit.
        catch (Exception exception) when (exception is not OperationCanceledException)
#pragma warning restore CA1031
        {
            context.Fail(did, Rule, $"threw {exception.GetType().FullName} instead: {exception.Message}");
        }

        await context.VerifyAsync(job, did, Rule).ConfigureAwait(false);
    }

    private static async Task UnknownJobIsNotFoundAsync(CheckContext context)
    {
        var known = await context.AddAsync(ContractModel.NewJob()).ConfigureAwait(false);
        var unknown = JobId.NewId();
        var store = context.Store;
        var token = context.CancellationToken;

        if (await store.GetAsync(unknown, token).ConfigureAwait(false) is { } record)
        {
            context.Fail($"GetAsync({unknown}) for an id never added", "GetAsync returns null for an unknown job", $"returned {RecordText.Describe(record)}");
        }

        foreach (var transition in new[]
        {
            new JobTransition(JobStatus.Queued, 0, context.NextTime()),
            new JobTransition(JobStatus.Running, 1, context.NextTime()),
            new JobTransition(JobStatus.Succeeded, 1, context.NextTime()),
            new JobTransition(JobStatus.Cancelled, 0, context.NextTime()),
        })
        {
            if (await store.TransitionAsync(unknown, transition, token).ConfigureAwait(false))
            {
                context.Fail($"TransitionAsync({RecordText.Describe(transition)}) for an id never added", "TransitionAsync returns false for an unknown job", "returned true");
            }
        }

        if (await store.ReportProgressAsync(unknown, new JobProgress(50, "half"), token).ConfigureAwait(false))
        {
            context.Fail("ReportProgressAsync for an id never added", "ReportProgressAsync returns false for an unknown job", "returned true");
        }

        if (await store.GetAsync(unknown, token).ConfigureAwait(false) is { } created)
        {
            context.Fail("GetAsync after TransitionAsync and ReportProgressAsync for an id never added", "writes for an unknown job change nothing, so the job stays unknown", $"now returns {RecordText.Describe(created)}");
        }

        var page = await store.QueryAsync(s_all, token).ConfigureAwait(false);
        if (page.Count != 1 || page[0].Id != known.Id)
        {
            context.Fail("QueryAsync(new JobQuery { Take = 10000 }) after adding one job and writing to an unknown id", "the store holds exactly the one job added", $"returned {page.Count} record(s): {string.Join(", ", page.Select(r => r.Id))}");
        }
    }

    private static async Task ImmutableFieldsNeverChangeAsync(CheckContext context)
    {
        var parent = await context.AddAsync(ContractModel.NewJob()).ConfigureAwait(false);
        var original = ContractModel.NewJob(JobStatus.Scheduled, queue: "immutable", name: "keep-me", parentId: parent.Id) with
        {
            Priority = JobPriority.High,
            MaxAttempts = 4,
            EnqueuedAt = ContractModel.BaseTime.AddMilliseconds(321),
        };
        var job = await context.AddAsync(original).ConfigureAwait(false);
        const string Rule = "Id, Name, Queue, Priority, MaxAttempts, EnqueuedAt and ParentId never change after AddAsync";

        async Task CheckAsync(string after)
        {
            var actual = await context.Store.GetAsync(job.Id, context.CancellationToken).ConfigureAwait(false);
            if (actual is not null && RecordText.Diff(original, actual, immutableOnly: true) is { Length: > 0 } diff)
            {
                context.Fail($"GetAsync after {after}", Rule, $"changed them: {diff}");
            }
        }

        var steps = new (string What, Func<Task> Write)[]
        {
            ("Queued", () => context.TransitionAsync(job, new JobTransition(JobStatus.Queued, 0, context.NextTime()))),
            ("progress", () => context.ReportProgressAsync(job, new JobProgress(10, "started"))),
            ("Running", () => context.TransitionAsync(job, new JobTransition(JobStatus.Running, 1, context.NextTime()))),
            ("Retrying", () => context.TransitionAsync(job, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddHours(3), ContractModel.Error("boom")))),
            ("Queued again", () => context.TransitionAsync(job, new JobTransition(JobStatus.Queued, 1, context.NextTime()))),
            ("Running again", () => context.TransitionAsync(job, new JobTransition(JobStatus.Running, 2, context.NextTime()))),
            ("Failed", () => context.TransitionAsync(job, new JobTransition(JobStatus.Failed, 2, context.NextTime(), Error: ContractModel.Error("boom again")))),
            ("a refused Running", () => context.TransitionAsync(job, new JobTransition(JobStatus.Running, 3, context.NextTime()))),
        };
        foreach (var (what, write) in steps)
        {
            await write().ConfigureAwait(false);
            await CheckAsync($"a {what} write").ConfigureAwait(false);
        }

        try
        {
            await context.Store.AddAsync(original with { Name = "changed", Queue = "changed", Priority = JobPriority.Low, MaxAttempts = 1, EnqueuedAt = ContractModel.BaseTime, ParentId = null }, context.CancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // Expected; AddDuplicateIdIsRejected reports a missing exception.
        }

        await CheckAsync("AddAsync of a duplicate id with other values").ConfigureAwait(false);
    }

    private static async Task RecordsAreSnapshotsAsync(CheckContext context)
    {
        var job = await context.CreateInAsync(JobStatus.Queued).ConfigureAwait(false);
        var other = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
        var record = await context.Store.GetAsync(job.Id, context.CancellationToken).ConfigureAwait(false);
        var page = await context.Store.QueryAsync(s_all, context.CancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            throw new CheckAbortedException("GetAsync returned null for a Queued job");
        }

        var recordCopy = record with { };
        var pageCopy = page.Select(static r => r with { }).ToList();

        await context.TransitionAsync(job, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.ReportProgressAsync(job, new JobProgress(75, "mostly")).ConfigureAwait(false);
        await context.TransitionAsync(other, new JobTransition(JobStatus.Succeeded, 1, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Failed, 1, context.NextTime(), Error: ContractModel.Error("late"))).ConfigureAwait(false);
        await context.CreateInAsync(JobStatus.Queued).ConfigureAwait(false);

        const string Did = "kept a record from GetAsync and a page from QueryAsync, then moved the jobs on and added a job";
        const string Rule = "records handed out are snapshots: a record or page returned earlier never changes when the job moves on";
        if (RecordText.Diff(recordCopy, record) is { Length: > 0 } diff)
        {
            context.Fail(Did, Rule, $"the record from GetAsync changed: {diff}");
        }

        if (page.Count != pageCopy.Count)
        {
            context.Fail(Did, Rule, $"the page from QueryAsync changed from {pageCopy.Count} to {page.Count} records");
        }
        else
        {
            for (var i = 0; i < page.Count; i++)
            {
                if (RecordText.Diff(pageCopy[i], page[i]) is { Length: > 0 } pageDiff)
                {
                    context.Fail(Did, Rule, $"record {i} of the page from QueryAsync changed: {pageDiff}");
                }
            }
        }
    }

    private static async Task NonTerminalJobsAreKeptAsync(CheckContext context)
    {
        var jobs = new List<ExpectedJob>();
        for (var i = 0; i < 60; i++)
        {
            jobs.Add(await context.CreateInAsync((JobStatus)(i % 7)).ConfigureAwait(false));
        }

        var page = await context.Store.QueryAsync(s_all, context.CancellationToken).ConfigureAwait(false);
        var ids = page.Select(static r => r.Id).ToHashSet();
        foreach (var job in jobs.Where(static j => !j.Expected.Status.IsTerminal()))
        {
            await context.VerifyAsync(job, "creating 60 jobs in every status", "a store never forgets a job that is not terminal").ConfigureAwait(false);
            if (!ids.Contains(job.Id))
            {
                context.Fail("QueryAsync(new JobQuery { Take = 10000 }) after creating 60 jobs in every status", "a store never forgets a job that is not terminal, so every one is in the page", $"left out {job.Expected.Status} job {job.Id}");
            }
        }
    }
}
