namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static async Task AttemptSettingsAreKeptAsync(CheckContext context)
    {
        var backoff = new RetryBackoff { InitialDelay = TimeSpan.FromMilliseconds(1_500), MaxDelay = TimeSpan.FromMinutes(7), Multiplier = 3.5, Jitter = 0.25 };
        var timed = await context.AddAsync(ContractModel.NewJob(name: "attempt-settings") with { Timeout = TimeSpan.FromSeconds(42.5), Backoff = backoff }).ConfigureAwait(false);
        var endless = await context.AddAsync(ContractModel.NewJob(JobStatus.Scheduled, name: "attempt-settings") with { Timeout = Timeout.InfiniteTimeSpan }).ConfigureAwait(false);
        var defaults = await context.AddAsync(ContractModel.NewJob(name: "attempt-settings")).ConfigureAwait(false);

        var page = await context.Store.QueryAsync(new JobQuery { Name = "attempt-settings", Take = 10 }, context.CancellationToken).ConfigureAwait(false);
        foreach (var job in new[] { timed, endless, defaults })
        {
            var found = page.FirstOrDefault(r => r.Id == job.Id);
            if (found is null || found.Timeout != job.Expected.Timeout || !Equals(found.Backoff, job.Expected.Backoff))
            {
                context.Fail(
                    "QueryAsync(new JobQuery { Name = \"attempt-settings\", Take = 10 }) after adding jobs with and without a Timeout and a Backoff",
                    "QueryAsync returns a job's Timeout and Backoff exactly as AddAsync recorded them",
                    found is null
                        ? $"left out job {job.Id}"
                        : $"returned Timeout {RecordText.Value(found.Timeout)} and Backoff {RecordText.Value(found.Backoff)} for job {job.Id}, expected {RecordText.Value(job.Expected.Timeout)} and {RecordText.Value(job.Expected.Backoff)}");
            }
        }

        // Every step verifies the whole record, the attempt settings included.
        await context.StepAsync(timed, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.ReportProgressAsync(timed, new JobProgress(10, "started")).ConfigureAwait(false);
        await context.StepAsync(timed, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddMinutes(1), ContractModel.Error("timed out"))).ConfigureAwait(false);
        await context.StepAsync(timed, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(timed, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(timed, new JobTransition(JobStatus.Succeeded, 2, context.NextTime())).ConfigureAwait(false);

        await context.StepAsync(endless, new JobTransition(JobStatus.Queued, 0, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(endless, new JobTransition(JobStatus.Cancelled, 0, context.NextTime())).ConfigureAwait(false);

        await context.StepAsync(defaults, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(defaults, new JobTransition(JobStatus.Failed, 1, context.NextTime(), Error: ContractModel.Error("bad row"))).ConfigureAwait(false);
    }
}
