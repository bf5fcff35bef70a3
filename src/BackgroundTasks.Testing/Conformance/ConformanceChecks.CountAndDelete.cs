namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static string Show(IReadOnlyDictionary<(string Queue, JobStatus Status), int> counts)
        => counts.Count == 0
            ? "{ }"
            : "{ " + string.Join(", ", counts.OrderBy(static c => c.Key.Queue, StringComparer.Ordinal).ThenBy(static c => c.Key.Status).Select(static c => $"(\"{c.Key.Queue}\", {c.Key.Status}) = {c.Value}")) + " }";

    private static async Task CountsMatchTheJobsAsync(CheckContext context)
    {
        var empty = await context.Store.CountAsync(context.CancellationToken).ConfigureAwait(false);
        if (empty.Count != 0)
        {
            context.Fail("CountAsync on a new, empty store", "an empty store counts nothing: the dictionary is empty", $"returned {Show(empty)}");
        }

        var jobs = await CreateMixAsync(context, 40, shuffled: true).ConfigureAwait(false);
        var expected = jobs.GroupBy(static j => (j.Expected.Queue, j.Expected.Status)).ToDictionary(static g => g.Key, static g => g.Count());
        var counts = await context.Store.CountAsync(context.CancellationToken).ConfigureAwait(false);
        var wrong = expected.Where(e => counts.GetValueOrDefault(e.Key) != e.Value).Select(static e => e.Key)
            .Concat(counts.Keys.Where(k => !expected.ContainsKey(k)))
            .ToList();
        if (wrong.Count > 0)
        {
            context.Fail(
                $"CountAsync over {jobs.Count} jobs in 3 queues and every status",
                $"one entry per queue and status that has jobs, holding how many: {Show(expected)}",
                $"returned {Show(counts)}");
        }
    }

    private static async Task DeleteRemovesOnlyFinishedJobsAsync(CheckContext context)
    {
        if (await context.Store.DeleteAsync(JobId.NewId(), context.CancellationToken).ConfigureAwait(false))
        {
            context.Fail("DeleteAsync of an unknown id", "there is nothing to delete, so the store returns false", "returned true");
        }

        foreach (var status in new[] { JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Retrying })
        {
            var live = await context.CreateInAsync(status).ConfigureAwait(false);
            var did = $"DeleteAsync on a {status} job";
            if (await context.Store.DeleteAsync(live.Id, context.CancellationToken).ConfigureAwait(false))
            {
                context.Fail(did, "a job that may still run is never deleted: the store returns false and keeps it", "returned true");
            }

            await context.VerifyAsync(live, did, "a job that is not terminal is never deleted").ConfigureAwait(false);
        }

        foreach (var status in new[] { JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled })
        {
            var finished = await context.CreateInAsync(status).ConfigureAwait(false);
            var did = $"DeleteAsync on a {status} job";
            if (!await context.Store.DeleteAsync(finished.Id, context.CancellationToken).ConfigureAwait(false))
            {
                // A store that does not delete records (the default) keeps the job whole.
                await context.VerifyAsync(finished, $"{did} that returned false", "a store that did not delete a job keeps its record unchanged").ConfigureAwait(false);
                continue;
            }

            const string Gone = "a deleted job is gone: GetAsync returns null, queries and counts leave it out, and a second delete returns false";
            if (await context.Store.GetAsync(finished.Id, context.CancellationToken).ConfigureAwait(false) is { } still)
            {
                context.Fail($"GetAsync after {did} that returned true", Gone, $"returned {RecordText.Describe(still)}");
            }

            var page = await context.Store.QueryAsync(new JobQuery { Status = status, Take = 10_000 }, context.CancellationToken).ConfigureAwait(false);
            if (page.Any(r => r.Id == finished.Id))
            {
                context.Fail($"QueryAsync(Status = {status}) after {did} that returned true", Gone, "still listed the job");
            }

            var counts = await context.Store.CountAsync(context.CancellationToken).ConfigureAwait(false);
            if (counts.GetValueOrDefault((finished.Expected.Queue, status)) != 0)
            {
                context.Fail($"CountAsync after {did} that returned true (the only {status} job)", Gone, $"returned {Show(counts)}");
            }

            if (await context.Store.DeleteAsync(finished.Id, context.CancellationToken).ConfigureAwait(false))
            {
                context.Fail($"a second {did}", Gone, "returned true");
            }
        }
    }
}
