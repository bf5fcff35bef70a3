namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static ParallelOptions Parallelism(CheckContext context) => new()
    {
        MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2),
        CancellationToken = context.CancellationToken,
    };

    private static async Task ConcurrentLifecyclesEndCorrectAsync(CheckContext context)
    {
        var count = context.Options.ConcurrentJobCount;
        var jobs = new ExpectedJob?[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), Parallelism(context), async (i, _) =>
        {
            var job = await context.AddAsync(ContractModel.NewJob(queue: i % 2 == 0 ? "default" : "mail", name: $"parallel-{i}")).ConfigureAwait(false);
            await context.StepAsync(job, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
            await context.ReportProgressAsync(job, new JobProgress(50, "half", i, count)).ConfigureAwait(false);
            if (i % 4 == 0)
            {
                await context.StepAsync(job, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddHours(1), ContractModel.Error($"job {i} failed once"))).ConfigureAwait(false);
                await context.StepAsync(job, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
                await context.StepAsync(job, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
                await context.ReportProgressAsync(job, new JobProgress(90, "nearly", i, count)).ConfigureAwait(false);
            }

            var terminal = (i % 3) switch
            {
                0 => new JobTransition(JobStatus.Succeeded, job.Expected.Attempt, context.NextTime()),
                1 => new JobTransition(JobStatus.Failed, job.Expected.Attempt, context.NextTime(), Error: ContractModel.Error($"job {i} failed")),
                _ => new JobTransition(JobStatus.Cancelled, job.Expected.Attempt, context.NextTime()),
            };
            await context.StepAsync(job, terminal).ConfigureAwait(false);
            jobs[i] = job;
        }).ConfigureAwait(false);

        var did = $"drove {count} jobs through their lifecycles from parallel tasks";
        foreach (var job in jobs)
        {
            await context.VerifyAsync(job!, did, "every applied write is kept: the final record is the one the contract prescribes").ConfigureAwait(false);
        }

        var page = await context.Store.QueryAsync(s_all, context.CancellationToken).ConfigureAwait(false);
        var byId = page.GroupBy(static r => r.Id).ToDictionary(static g => g.Key, static g => g.Count());
        var missing = jobs.Count(j => !byId.ContainsKey(j!.Id));
        var duplicated = byId.Count(static pair => pair.Value > 1);
        if (page.Count != count || missing > 0 || duplicated > 0)
        {
            context.Fail($"QueryAsync(new JobQuery {{ Take = 10000 }}) after {did}", $"the page lists each of the {count} jobs exactly once", $"returned {page.Count} record(s): {missing} job(s) missing, {duplicated} listed more than once");
        }
    }

    private static async Task RacingTerminalTransitionsHaveOneWinnerAsync(CheckContext context)
    {
        var count = Math.Max(5, context.Options.ConcurrentJobCount / 2);
        var jobs = new List<ExpectedJob>(count);
        for (var i = 0; i < count; i++)
        {
            jobs.Add(await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false));
        }

        // Half the races issue the writes back to back without awaiting them, so that a store that awaits
        // between reading and writing a record always interleaves them; the other half start them together
        // on thread-pool threads, to catch unsynchronised in-memory state.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var races = jobs.Select((job, index) =>
        {
            var contenders = new[]
            {
                new JobTransition(JobStatus.Succeeded, 1, context.NextTime()),
                new JobTransition(JobStatus.Failed, 1, context.NextTime(), Error: ContractModel.Error("lost the race?")),
                new JobTransition(JobStatus.Cancelled, 1, context.NextTime(), Error: ContractModel.Error("cancelled in the race")),
            };
            var progress = new JobProgress(66, "racing");
            var backToBack = index % 2 == 0;
            var start = backToBack ? Task.CompletedTask : gate.Task;
            return (Job: job,
                Contenders: contenders,
                Progress: progress,
                How: backToBack ? "issued back to back without awaiting each other" : "started together on thread-pool threads",
                Results: contenders.Select(t => backToBack ? context.Store.TransitionAsync(job.Id, t, context.CancellationToken).AsTask() : AfterAsync(start, () => context.Store.TransitionAsync(job.Id, t, context.CancellationToken))).ToArray(),
                ProgressResult: backToBack ? context.Store.ReportProgressAsync(job.Id, progress, context.CancellationToken).AsTask() : AfterAsync(start, () => context.Store.ReportProgressAsync(job.Id, progress, context.CancellationToken)));
        }).ToList();

        gate.SetResult();
        await Task.WhenAll(races.SelectMany(static r => r.Results.Append(r.ProgressResult))).ConfigureAwait(false);

        foreach (var race in races)
        {
            var did = $"raced TransitionAsync to Succeeded, Failed and Cancelled (and a progress report), {race.How}, on one Running job {race.Job.Id}";
            var winners = Enumerable.Range(0, 3).Where(i => race.Results[i].Result).ToList();
            if (winners.Count != 1)
            {
                context.Fail(did, "when writes for one job race, exactly one terminal transition succeeds (the first one, as the job is Running)", winners.Count == 0 ? "returned false for all three" : $"returned true for {string.Join(" and ", winners.Select(i => race.Contenders[i].Status))}");
            }

            if (winners.Count == 0)
            {
                continue;
            }

            var expected = race.Job.Expected;
            if (race.ProgressResult.Result)
            {
                expected = expected with { Progress = race.Progress };
            }

            var winner = race.Contenders[winners[0]];
            race.Job.Expected = ContractModel.Apply(expected, winner);
            await context.VerifyAsync(race.Job, did, $"the record is the one the winning transition ({winner.Status}, the only one that returned true) made, with the progress only if its report returned true").ConfigureAwait(false);
        }
    }

    private static async Task CancellationRacingARunIsConsistentAsync(CheckContext context)
    {
        var count = Math.Max(5, context.Options.ConcurrentJobCount / 2);
        var jobs = new List<ExpectedJob>(count);
        for (var i = 0; i < count; i++)
        {
            jobs.Add(await context.CreateInAsync(JobStatus.Queued).ConfigureAwait(false));
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = context.Store;
        var token = context.CancellationToken;
        var races = jobs.Select((job, index) =>
        {
            var backToBack = index % 2 == 0;
            var start = backToBack ? Task.CompletedTask : gate.Task;
            var running = new JobTransition(JobStatus.Running, 1, context.NextTime());
            var progress = new JobProgress(100, "finished work");
            var succeeded = new JobTransition(JobStatus.Succeeded, 1, context.NextTime());
            var cancelled = new JobTransition(JobStatus.Cancelled, 0, context.NextTime(), Error: ContractModel.Error("cancelled by id"));
            var run = AfterTaskAsync(start, async () =>
            {
                var r = await store.TransitionAsync(job.Id, running, token).ConfigureAwait(false);
                var p = await store.ReportProgressAsync(job.Id, progress, token).ConfigureAwait(false);
                var s = await store.TransitionAsync(job.Id, succeeded, token).ConfigureAwait(false);
                return (Running: r, Progress: p, Succeeded: s);
            });
            var cancel = backToBack ? store.TransitionAsync(job.Id, cancelled, token).AsTask() : AfterAsync(start, () => store.TransitionAsync(job.Id, cancelled, token));
            var how = backToBack ? "issued back to back without awaiting each other" : "started together on thread-pool threads";
            return (Job: job, Run: run, Cancel: cancel, How: how, Running: running, ProgressValue: progress, Succeeded: succeeded, Cancelled: cancelled);
        }).ToList();

        gate.SetResult();
        await Task.WhenAll(races.Select(static r => (Task)r.Run).Concat(races.Select(static r => r.Cancel))).ConfigureAwait(false);

        foreach (var race in races)
        {
            var (running, progressed, succeeded) = race.Run.Result;
            var cancelled = race.Cancel.Result;
            var did = $"raced a worker's Running, progress and Succeeded writes against a Cancelled write, {race.How}, on Queued job {race.Job.Id}";
            var outcome = $"Running returned {Bool(running)}, progress {Bool(progressed)}, Succeeded {Bool(succeeded)}, Cancelled {Bool(cancelled)}";
            if (succeeded == cancelled)
            {
                context.Fail(did, "exactly one terminal transition succeeds", outcome);
                continue;
            }

            if (!running && (progressed || succeeded))
            {
                context.Fail(did, "once Running is refused (the job was already Cancelled), progress and Succeeded are refused too", outcome);
                continue;
            }

            var expected = race.Job.Expected;
            if (running)
            {
                expected = ContractModel.Apply(expected, race.Running);
            }

            if (progressed)
            {
                expected = expected with { Progress = race.ProgressValue };
            }

            race.Job.Expected = ContractModel.Apply(expected, succeeded ? race.Succeeded : race.Cancelled);
            await context.VerifyAsync(race.Job, $"{did} ({outcome})", "the record is the one the writes that returned true make, applied in order").ConfigureAwait(false);
        }
    }


    private static string Bool(bool value) => value ? "true" : "false";

    private static async Task<T> AfterAsync<T>(Task gate, Func<ValueTask<T>> write)
    {
        await gate.ConfigureAwait(false);
        return await write().ConfigureAwait(false);
    }

    private static async Task<T> AfterTaskAsync<T>(Task gate, Func<Task<T>> write)
    {
        await gate.ConfigureAwait(false);
        return await write().ConfigureAwait(false);
    }
}
