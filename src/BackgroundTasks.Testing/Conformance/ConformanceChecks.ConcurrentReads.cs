namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static async Task ConcurrentReadsSeeWholeRecordsInOrderAsync(CheckContext context)
    {
        var count = Math.Max(10, context.Options.ConcurrentJobCount / 4);
        var plans = new List<(JobRecord Added, List<Func<Task<bool>>> Writes, List<JobRecord> States)>(count);
        for (var i = 0; i < count; i++)
        {
            var added = ContractModel.NewJob(JobStatus.Scheduled, name: $"read-{i}");
            var states = new List<JobRecord> { added };
            var writes = new List<Func<Task<bool>>>();
            var id = added.Id;

            void Transition(JobTransition transition)
            {
                states.Add(ContractModel.Apply(states[^1], transition));
                writes.Add(() => context.Store.TransitionAsync(id, transition, context.CancellationToken).AsTask());
            }

            void Progress(double percent)
            {
                var progress = new JobProgress(percent, $"{percent}%");
                states.Add(states[^1] with { Progress = progress });
                writes.Add(() => context.Store.ReportProgressAsync(id, progress, context.CancellationToken).AsTask());
            }

            Transition(new JobTransition(JobStatus.Queued, 0, context.NextTime()));
            Transition(new JobTransition(JobStatus.Running, 1, context.NextTime()));
            Progress(10);
            Progress(20);
            Transition(new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddHours(1), ContractModel.Error("retry me")));
            Transition(new JobTransition(JobStatus.Queued, 1, context.NextTime()));
            Transition(new JobTransition(JobStatus.Running, 2, context.NextTime()));
            Progress(30);
            Progress(40);
            Transition((i % 3) switch
            {
                0 => new JobTransition(JobStatus.Succeeded, 2, context.NextTime()),
                1 => new JobTransition(JobStatus.Failed, 2, context.NextTime(), Error: ContractModel.Error("gave up")),
                _ => new JobTransition(JobStatus.Cancelled, 2, context.NextTime()),
            });
            plans.Add((added, writes, states));
            await context.Store.AddAsync(added, context.CancellationToken).ConfigureAwait(false);
        }

        var index = plans.Select((plan, i) => (plan.Added.Id, i)).ToDictionary(static p => p.Id, static p => p.i);
        var writersDone = 0;

        var writers = Parallel.ForEachAsync(plans, Parallelism(context), async (plan, _) =>
        {
            for (var step = 0; step < plan.Writes.Count; step++)
            {
                if (!await plan.Writes[step]().ConfigureAwait(false))
                {
                    context.Fail($"write {step + 1} of {plan.Writes.Count} of job {plan.Added.Id} while readers read", "an allowed write returns true", "returned false");
                    return;
                }
            }
        });

        async Task ReadAsync(int reader)
        {
            var last = new int[count];
            for (var pass = 0; ; pass++)
            {
                var finalPass = Volatile.Read(ref writersDone) == 1;
                for (var i = reader % count; i < count; i += 2)
                {
                    var record = await context.Store.GetAsync(plans[i].Added.Id, context.CancellationToken).ConfigureAwait(false);
                    Observe(i, record, "GetAsync", last);
                    await Task.Yield();
                }

                if (pass % 4 == 0 || finalPass)
                {
                    var page = await context.Store.QueryAsync(s_all, context.CancellationToken).ConfigureAwait(false);
                    for (var p = 0; p < page.Count; p++)
                    {
                        if (index.TryGetValue(page[p].Id, out var i))
                        {
                            Observe(i, page[p], "QueryAsync", last);
                        }

                        if (p > 0 && page[p - 1].Id <= page[p].Id)
                        {
                            context.Fail("QueryAsync while jobs were written", "results come newest first (descending JobId), also during writes", $"returned {page[p - 1].Id} before the newer {page[p].Id}");
                        }
                    }
                }

                if (finalPass)
                {
                    return;
                }
            }
        }

        void Observe(int job, JobRecord? record, string how, int[] last)
        {
            var states = plans[job].States;
            var did = $"{how} of job {plans[job].Added.Id} while other tasks wrote its lifecycle ({states.Count} states)";
            if (record is null)
            {
                context.Fail(did, "a store never forgets a job that is not terminal (and the kit needs terminal jobs kept while it runs)", "returned null");
                return;
            }

            for (var s = last[job]; s < states.Count; s++)
            {
                if (states[s].Equals(record))
                {
                    last[job] = s;
                    return;
                }
            }

            var earlier = states.FindIndex(0, last[job], s => s.Equals(record));
            if (earlier >= 0)
            {
                context.Fail(did, "a job's status only moves forward: a reader never sees an older state after a newer one", $"returned state {earlier} ({states[earlier].Status}) after this reader had seen state {last[job]} ({states[last[job]].Status})");
            }
            else
            {
                var closest = states.Select(s => RecordText.Diff(s, record)).OrderBy(static d => d.Length).First();
                context.Fail(did, "every record is whole: one of the states the job's writes make", $"returned {RecordText.Describe(record)}, a torn record that no write made (closest state differs in {closest})");
            }
        }

        var readers = new[] { Task.Run(() => ReadAsync(0), context.CancellationToken), Task.Run(() => ReadAsync(1), context.CancellationToken) };
        try
        {
            await writers.ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref writersDone, 1);
        }

        await Task.WhenAll(readers).ConfigureAwait(false);
    }
}
