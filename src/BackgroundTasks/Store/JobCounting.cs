namespace BackgroundTasks;

/// <summary>The default of <see cref="IJobStore.CountAsync"/>: counts any store through its queries.</summary>
internal static class JobCounting
{
    /// <summary>The page size: the largest <see cref="JobQuery.Take"/>.</summary>
    public const int PageSize = 10_000;

    /// <summary>
    /// Pages through every job, newest first, and counts each id once. A job added while the count runs shifts
    /// the later pages, so a job may be seen twice: the last sighting wins. A job forgotten meanwhile may shift a
    /// job past a page boundary and leave it uncounted; the count is exact when nothing changes.
    /// </summary>
    public static async ValueTask<IReadOnlyDictionary<(string Queue, JobStatus Status), int>> CountByQueryingAsync(IJobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var seen = new Dictionary<JobId, (string Queue, JobStatus Status)>();
        for (var skip = 0; ; skip += PageSize)
        {
            var page = await store.QueryAsync(new JobQuery { Skip = skip, Take = PageSize }, cancellationToken).ConfigureAwait(false);
            foreach (var record in page)
            {
                seen[record.Id] = (record.Queue, record.Status);
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        var counts = new Dictionary<(string Queue, JobStatus Status), int>();
        foreach (var key in seen.Values)
        {
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }
}
