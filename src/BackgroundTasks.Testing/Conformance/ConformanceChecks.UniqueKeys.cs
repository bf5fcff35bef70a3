namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static readonly JobStatus[] s_liveStatuses = [JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Retrying];
    private static readonly JobStatus[] s_terminalStatuses = [JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];

    private static JobRecord UniqueJob(string key, JobStatus status = JobStatus.Queued)
        => ContractModel.NewJob(status, name: "unique") with { UniqueKey = key };

    private static async Task UniqueKeyIsKeptAsync(CheckContext context)
    {
        // Every step verifies the whole record, the key included.
        var unique = await context.AddUniqueHolderAsync(UniqueJob("kept:unique")).ConfigureAwait(false);
        var plain = await context.AddAsync(UniqueJob("kept:plain", JobStatus.Scheduled)).ConfigureAwait(false);
        await context.StepAsync(unique, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.ReportProgressAsync(unique, new JobProgress(10, "started")).ConfigureAwait(false);
        await context.StepAsync(unique, new JobTransition(JobStatus.Succeeded, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(plain, new JobTransition(JobStatus.Queued, 0, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(plain, new JobTransition(JobStatus.Cancelled, 0, context.NextTime())).ConfigureAwait(false);

        var page = await context.Store.QueryAsync(new JobQuery { Name = "unique", Take = 10 }, context.CancellationToken).ConfigureAwait(false);
        foreach (var job in new[] { unique, plain })
        {
            var found = page.FirstOrDefault(r => r.Id == job.Id);
            if (!string.Equals(found?.UniqueKey, job.Expected.UniqueKey, StringComparison.Ordinal))
            {
                context.Fail(
                    "QueryAsync(new JobQuery { Name = \"unique\", Take = 10 }) after adding jobs with unique keys",
                    "QueryAsync returns a job's UniqueKey exactly as it was recorded",
                    found is null ? $"left out job {job.Id}" : $"returned UniqueKey {RecordText.Value(found.UniqueKey)} for job {job.Id}, expected {RecordText.Value(job.Expected.UniqueKey)}");
            }
        }
    }

    private static async Task UniqueKeyIsHeldWhileNotTerminalAsync(CheckContext context)
    {
        foreach (var status in s_liveStatuses)
        {
            var key = $"live:{status}";
            var holder = await context.CreateInAsync(status, UniqueJob(key)).ConfigureAwait(false);
            foreach (var since in new DateTimeOffset?[] { null, ContractModel.BaseTime })
            {
                await ExpectDuplicateAsync(context, UniqueJob(key), since, holder.Id, $"a {status} job holds the key").ConfigureAwait(false);
            }

            // Another key is free.
            await ExpectRecordedAsync(context, UniqueJob($"other:{status}"), null, "no job holds this key").ConfigureAwait(false);
        }
    }

    private static async Task UniqueKeyIsReleasedWhenTerminalAsync(CheckContext context)
    {
        foreach (var status in s_terminalStatuses)
        {
            var key = $"released:{status}";
            var holder = await context.CreateInAsync(status, UniqueJob(key)).ConfigureAwait(false);
            var finishedAt = holder.Expected.FinishedAt!.Value;

            // Within the window, the finished job holds the key (its finish time counts); after it, the key is free.
            await ExpectDuplicateAsync(context, UniqueJob(key), finishedAt, holder.Id, $"a {status} job that finished at the window's start holds the key").ConfigureAwait(false);
            await ExpectDuplicateAsync(context, UniqueJob(key), finishedAt.AddSeconds(-30), holder.Id, $"a {status} job that finished within the window holds the key").ConfigureAwait(false);
            await ExpectRecordedAsync(context, UniqueJob(key), finishedAt.AddTicks(1), $"the {status} job finished before the window, so it no longer holds the key").ConfigureAwait(false);
        }

        // Without a window a terminal job holds nothing, and the new job holds the key from then on.
        await context.CreateInAsync(JobStatus.Succeeded, UniqueJob("released:no-window")).ConfigureAwait(false);
        var next = await ExpectRecordedAsync(context, UniqueJob("released:no-window"), null, "a terminal job holds no key without a window").ConfigureAwait(false);
        if (next is { } nextId)
        {
            await ExpectDuplicateAsync(context, UniqueJob("released:no-window"), null, nextId, "the job recorded after the terminal one holds the key").ConfigureAwait(false);
        }
    }

    private static async Task RacingUniqueAddsHaveOneWinnerAsync(CheckContext context)
    {
        const int Keys = 8;
        const int Racers = 8;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var races = new List<(string Key, JobRecord[] Jobs, Task<JobId>[] Answers)>();
        for (var k = 0; k < Keys; k++)
        {
            var key = $"race:{k}";
            var jobs = Enumerable.Range(0, Racers).Select(_ => UniqueJob(key, k % 2 == 0 ? JobStatus.Queued : JobStatus.Scheduled)).ToArray();

            // Even keys race back to back (a store that awaits between its look-up and its insert interleaves them),
            // odd keys on thread-pool threads released together.
            var answers = k % 2 == 0
                ? jobs.Select(job => context.Store.AddUniqueAsync(job, null, context.CancellationToken).AsTask()).ToArray()
                : jobs.Select(job => Task.Run(async () =>
                {
                    await gate.Task.ConfigureAwait(false);
                    return await context.Store.AddUniqueAsync(job, null, context.CancellationToken).ConfigureAwait(false);
                })).ToArray();
            races.Add((key, jobs, answers));
        }

        gate.SetResult();
        foreach (var (key, jobs, answers) in races)
        {
            var did = $"{Racers} concurrent AddUniqueAsync calls with key '{key}'";
            var ids = await Task.WhenAll(answers).ConfigureAwait(false);
            var recorded = new List<JobId>();
            foreach (var job in jobs)
            {
                if (await context.Store.GetAsync(job.Id, context.CancellationToken).ConfigureAwait(false) is not null)
                {
                    recorded.Add(job.Id);
                }
            }

            if (recorded.Count != 1)
            {
                context.Fail(did, "exactly one of the jobs is recorded", $"recorded {recorded.Count}");
                continue;
            }

            var wrong = ids.Count(id => id != recorded[0]);
            if (wrong > 0)
            {
                context.Fail(did, $"every call returns the id of the one job recorded ({recorded[0]})", $"{wrong} call(s) returned another id");
            }
        }
    }

    private static async Task AddUniqueWithoutKeyIsRejectedAsync(CheckContext context)
    {
        foreach (var key in new[] { null, string.Empty })
        {
            var job = ContractModel.NewJob(name: "unique") with { UniqueKey = key };
            var did = $"AddUniqueAsync of a job with UniqueKey {RecordText.Value(key)}";
            try
            {
                await context.Store.AddUniqueAsync(job, null, context.CancellationToken).ConfigureAwait(false);
                context.Fail(did, "AddUniqueAsync needs a key: it throws ArgumentException and records nothing", "returned without throwing");
            }
            catch (ArgumentException)
            {
                // As the contract says.
            }

            if (await context.Store.GetAsync(job.Id, context.CancellationToken).ConfigureAwait(false) is not null)
            {
                context.Fail(did, "a refused job is not recorded", "GetAsync returned the job");
            }
        }
    }

    private static async Task ExpectDuplicateAsync(CheckContext context, JobRecord job, DateTimeOffset? since, JobId holder, string why)
    {
        var did = $"AddUniqueAsync of a job with key '{job.UniqueKey}' and finishedSince {RecordText.Value(since)}";
        var answer = await context.Store.AddUniqueAsync(job, since, context.CancellationToken).ConfigureAwait(false);
        if (answer != holder)
        {
            context.Fail(did, $"{why}: the store records nothing and returns the holder's id ({holder})", answer == job.Id ? "recorded the job" : $"returned {answer}");
        }

        if (await context.Store.GetAsync(job.Id, context.CancellationToken).ConfigureAwait(false) is not null && answer != job.Id)
        {
            context.Fail(did, $"{why}: the new job is not recorded", "GetAsync returned the new job");
        }
    }

    private static async Task<JobId?> ExpectRecordedAsync(CheckContext context, JobRecord job, DateTimeOffset? since, string why)
    {
        var did = $"AddUniqueAsync of a job with key '{job.UniqueKey}' and finishedSince {RecordText.Value(since)}";
        var answer = await context.Store.AddUniqueAsync(job, since, context.CancellationToken).ConfigureAwait(false);
        if (answer != job.Id)
        {
            context.Fail(did, $"{why}: the store records the job and returns its own id", $"returned {answer}");
            return null;
        }

        await context.VerifyAsync(new ExpectedJob(job), did, "GetAsync returns every field that AddUniqueAsync recorded, the key included").ConfigureAwait(false);
        return job.Id;
    }
}
