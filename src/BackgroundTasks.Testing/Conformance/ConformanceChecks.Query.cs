namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static async Task<List<ExpectedJob>> CreateMixAsync(CheckContext context, int count, bool shuffled)
    {
        // Ids are made in order, but added in a shuffled order so that insertion order is not id order.
        var parents = new[] { await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false), await context.CreateInAsync(JobStatus.Queued).ConfigureAwait(false) };
        var queues = new[] { "default", "mail", "reports" };
        var names = new[] { "alpha", "beta", null };
        var templates = Enumerable.Range(0, count)
            .Select(i => (Status: (JobStatus)(i % 7), Template: ContractModel.NewJob(queue: queues[i % 3], name: names[i / 3 % 3], parentId: (i % 5) switch { 0 => parents[0].Id, 1 => parents[1].Id, _ => null })))
            .ToList();
        if (shuffled)
        {
            var random = new Random(20260101);
            templates = [.. templates.OrderBy(_ => random.Next())];
        }

        var jobs = new List<ExpectedJob>(parents);
        foreach (var (status, template) in templates)
        {
            jobs.Add(await context.CreateInAsync(status, template).ConfigureAwait(false));
        }

        return jobs;
    }

    private static string Show(JobQuery query)
    {
        var parts = new List<string>();
        if (query.Status is { } status)
        {
            parts.Add($"Status = {status}");
        }

        if (query.Queue is { } queue)
        {
            parts.Add($"Queue = \"{queue}\"");
        }

        if (query.Name is { } name)
        {
            parts.Add($"Name = \"{name}\"");
        }

        if (query.ParentId is { } parent)
        {
            parts.Add($"ParentId = {parent}");
        }

        if (query.Skip != 0)
        {
            parts.Add($"Skip = {query.Skip}");
        }

        parts.Add($"Take = {query.Take}");
        return $"QueryAsync(new JobQuery {{ {string.Join(", ", parts)} }})";
    }

    private static async Task QueryFiltersMatchAsync(CheckContext context)
    {
        var jobs = await CreateMixAsync(context, 63, shuffled: true).ConfigureAwait(false);
        var parent = jobs[0].Id;
        var queries = new[]
        {
            new JobQuery { Take = 10_000 },
            new JobQuery { Status = JobStatus.Queued, Take = 10_000 },
            new JobQuery { Status = JobStatus.Failed, Take = 10_000 },
            new JobQuery { Status = JobStatus.Scheduled, Take = 10_000 },
            new JobQuery { Queue = "mail", Take = 10_000 },
            new JobQuery { Queue = "nowhere", Take = 10_000 },
            new JobQuery { Name = "alpha", Take = 10_000 },
            new JobQuery { ParentId = parent, Take = 10_000 },
            new JobQuery { Status = JobStatus.Running, Queue = "reports", Take = 10_000 },
            new JobQuery { Status = JobStatus.Succeeded, Queue = "default", Name = "beta", Take = 10_000 },
            new JobQuery { Queue = "mail", Name = "alpha", ParentId = parent, Take = 10_000 },
        };

        foreach (var query in queries)
        {
            var expected = jobs.Select(static j => j.Expected).Where(query.Matches).Select(static r => r.Id).ToHashSet();
            var page = await context.Store.QueryAsync(query, context.CancellationToken).ConfigureAwait(false);
            var wrong = page.Where(r => !query.Matches(r)).ToList();
            var missing = expected.Except(page.Select(static r => r.Id)).ToList();
            var rule = $"QueryAsync returns every job that JobQuery.Matches accepts ({expected.Count} of the {jobs.Count} jobs), and no other";
            if (wrong.Count > 0)
            {
                context.Fail(Show(query), rule, $"returned {wrong.Count} job(s) that do not match, e.g. {RecordText.Describe(wrong[0])} with Queue \"{wrong[0].Queue}\", Name {RecordText.Value(wrong[0].Name)}, ParentId {RecordText.Value(wrong[0].ParentId)}");
            }

            if (missing.Count > 0)
            {
                var example = jobs.First(j => j.Id == missing[0]).Expected;
                context.Fail(Show(query), rule, $"left out {missing.Count} matching job(s), e.g. {example.Id} ({example.Status}, Queue \"{example.Queue}\", Name {RecordText.Value(example.Name)})");
            }

            if (page.Count != page.Select(static r => r.Id).Distinct().Count())
            {
                context.Fail(Show(query), "every job appears once", "returned the same job more than once");
            }
        }
    }

    private static async Task QueryReturnsNewestFirstAsync(CheckContext context)
    {
        var jobs = await CreateMixAsync(context, 30, shuffled: true).ConfigureAwait(false);
        foreach (var query in new[] { new JobQuery { Take = 10_000 }, new JobQuery { Queue = "mail", Take = 10_000 } })
        {
            var page = await context.Store.QueryAsync(query, context.CancellationToken).ConfigureAwait(false);
            for (var i = 1; i < page.Count; i++)
            {
                if (page[i - 1].Id <= page[i].Id)
                {
                    context.Fail(
                        $"{Show(query)} over {jobs.Count} jobs added in shuffled order",
                        "results come newest first: in descending JobId order",
                        $"returned {page[i - 1].Id} at position {i - 1} before {page[i].Id} at position {i}, which is newer");
                    break;
                }
            }
        }
    }

    private static async Task QueryPagesWithSkipAndTakeAsync(CheckContext context)
    {
        var jobs = await CreateMixAsync(context, 23, shuffled: true).ConfigureAwait(false);
        foreach (var filter in new[] { new JobQuery(), new JobQuery { Queue = "reports" } })
        {
            var expected = jobs.Select(static j => j.Expected).Where(filter.Matches).Select(static r => r.Id).OrderDescending().ToList();
            foreach (var take in new[] { 1, 4, 7 })
            {
                var seen = new List<JobId>();
                for (var skip = 0; skip <= expected.Count; skip += take)
                {
                    var query = filter with { Skip = skip, Take = take };
                    var page = await context.Store.QueryAsync(query, context.CancellationToken).ConfigureAwait(false);
                    var want = Math.Min(take, expected.Count - skip);
                    if (page.Count != want)
                    {
                        context.Fail($"{Show(query)} over {expected.Count} matching jobs", $"QueryAsync skips Skip matching jobs and returns at most Take, so this page holds {want}", $"returned {page.Count}");
                    }

                    seen.AddRange(page.Select(static r => r.Id));
                }

                var duplicates = seen.GroupBy(static id => id).Where(static g => g.Count() > 1).Select(static g => g.Key).ToList();
                var gaps = expected.Except(seen).ToList();
                var did = $"paged through {expected.Count} matching jobs with Take = {take}, Skip = 0, {take}, {2 * take} and on{(filter.Queue is null ? string.Empty : $" and Queue = \"{filter.Queue}\"")}";
                if (duplicates.Count > 0 || gaps.Count > 0)
                {
                    context.Fail(did, "consecutive pages cover every matching job exactly once, newest first", $"returned {duplicates.Count} job(s) on more than one page and never returned {gaps.Count} job(s)");
                }
                else if (!seen.SequenceEqual(expected))
                {
                    context.Fail(did, "the pages, one after the other, list the jobs newest first (descending JobId)", "returned them in another order");
                }
            }

            var beyond = filter with { Skip = expected.Count, Take = 5 };
            var empty = await context.Store.QueryAsync(beyond, context.CancellationToken).ConfigureAwait(false);
            if (empty.Count != 0)
            {
                context.Fail($"{Show(beyond)} with exactly {expected.Count} matching jobs", "skipping every matching job leaves an empty page", $"returned {empty.Count} record(s)");
            }
        }
    }
}
