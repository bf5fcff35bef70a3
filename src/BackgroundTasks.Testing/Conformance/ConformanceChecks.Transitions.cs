namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static async Task HappyPathIsRecordedAsync(CheckContext context)
    {
        var job = await context.CreateInAsync(JobStatus.Scheduled).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Queued, 0, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.ReportProgressAsync(job, new JobProgress(40, "first try", 4, 10)).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddHours(2), ContractModel.Error("flaky"))).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.ReportProgressAsync(job, new JobProgress(100, "done", 10, 10)).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Succeeded, 2, context.NextTime())).ConfigureAwait(false);
    }

    private static async Task RunningSetsAttemptAndStartedAtAsync(CheckContext context)
    {
        var job = await context.CreateInAsync(JobStatus.Queued).ConfigureAwait(false);
        await context.ReportProgressAsync(job, new JobProgress(5, "waiting")).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);

        var retried = await context.CreateInAsync(JobStatus.Retrying).ConfigureAwait(false);
        await context.StepAsync(retried, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(retried, new JobTransition(JobStatus.Running, 3, context.NextTime())).ConfigureAwait(false);
    }

    private static async Task RetryingSetsScheduledAtAndErrorAsync(CheckContext context)
    {
        var job = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
        await context.ReportProgressAsync(job, new JobProgress(30, "a third")).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddMinutes(5), ContractModel.Error("first failure"))).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Retrying, 2, context.NextTime(), ContractModel.BaseTime.AddMinutes(15), ContractModel.Error("second failure", timedOut: true))).ConfigureAwait(false);
    }

    private static async Task SucceededSetsFinishedAtAsync(CheckContext context)
    {
        var job = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
        await context.ReportProgressAsync(job, new JobProgress(100, "all done", 7, 7)).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Succeeded, 1, context.NextTime(), ContractModel.BaseTime.AddHours(9))).ConfigureAwait(false);

        var retried = await context.CreateInAsync(JobStatus.Retrying).ConfigureAwait(false);
        await context.StepAsync(retried, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(retried, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(retried, new JobTransition(JobStatus.Succeeded, 2, context.NextTime())).ConfigureAwait(false);
    }

    private static async Task SucceededKeepsResultAsync(CheckContext context)
    {
        foreach (var result in new object[] { 42, "forty-two" })
        {
            var job = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
            await context.TransitionAsync(job, new JobTransition(JobStatus.Succeeded, 1, context.NextTime(), Result: result)).ConfigureAwait(false);
        }
    }

    private static async Task FailedSetsFinishedAtAndErrorAsync(CheckContext context)
    {
        var job = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
        await context.ReportProgressAsync(job, new JobProgress(60)).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Failed, 1, context.NextTime(), Error: ContractModel.Error("timed out", timedOut: true))).ConfigureAwait(false);

        // Without an error of its own, Failed keeps the error of the failed attempt before.
        var retried = await context.CreateInAsync(JobStatus.Retrying).ConfigureAwait(false);
        await context.StepAsync(retried, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(retried, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(retried, new JobTransition(JobStatus.Failed, 2, context.NextTime())).ConfigureAwait(false);
    }

    private static async Task CancelledSetsFinishedAtAndErrorAsync(CheckContext context)
    {
        foreach (var from in new[] { JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Retrying })
        {
            foreach (var withError in new[] { true, false })
            {
                var job = await context.CreateInAsync(from).ConfigureAwait(false);
                var error = withError ? ContractModel.Error($"cancelled while {from}") : null;
                await context.TransitionAsync(job, new JobTransition(JobStatus.Cancelled, job.Expected.Attempt, context.NextTime(), Error: error)).ConfigureAwait(false);
            }
        }
    }

    private static async Task ScheduledAtIsClearedAsync(CheckContext context)
    {
        var due = ContractModel.BaseTime.AddDays(1);

        var scheduled = await context.CreateInAsync(JobStatus.Scheduled).ConfigureAwait(false);
        await context.TransitionAsync(scheduled, new JobTransition(JobStatus.Queued, 0, context.NextTime(), due)).ConfigureAwait(false);
        await context.TransitionAsync(scheduled, new JobTransition(JobStatus.Running, 1, context.NextTime(), due)).ConfigureAwait(false);
        await context.TransitionAsync(scheduled, new JobTransition(JobStatus.Succeeded, 1, context.NextTime(), due)).ConfigureAwait(false);

        var retrying = await context.CreateInAsync(JobStatus.Retrying).ConfigureAwait(false);
        await context.TransitionAsync(retrying, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(retrying, new JobTransition(JobStatus.Running, 2, context.NextTime(), due)).ConfigureAwait(false);
        await context.TransitionAsync(retrying, new JobTransition(JobStatus.Failed, 2, context.NextTime(), due, ContractModel.Error("no luck"))).ConfigureAwait(false);

        foreach (var from in new[] { JobStatus.Scheduled, JobStatus.Retrying })
        {
            var job = await context.CreateInAsync(from).ConfigureAwait(false);
            await context.TransitionAsync(job, new JobTransition(JobStatus.Cancelled, job.Expected.Attempt, context.NextTime(), due)).ConfigureAwait(false);
        }
    }

    private static async Task DisallowedTransitionsAreRefusedAsync(CheckContext context)
    {
        var statuses = Enum.GetValues<JobStatus>();
        foreach (var from in statuses)
        {
            foreach (var to in statuses.Where(to => !JobTransition.IsAllowed(from, to)))
            {
                var job = await context.CreateInAsync(from).ConfigureAwait(false);

                // A greater attempt, so that only the status pair can be the reason to refuse.
                var attempt = job.Expected.Attempt + 1;
                await context.TransitionAsync(job, new JobTransition(to, attempt, context.NextTime(), ContractModel.BaseTime.AddDays(2), ContractModel.Error("not allowed"))).ConfigureAwait(false);
            }
        }
    }

    private static async Task RunningNeedsAGreaterAttemptAsync(CheckContext context)
    {
        var job = await context.CreateInAsync(JobStatus.Queued).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Running, 0, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Running, -1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Retrying, 2, context.NextTime(), ContractModel.BaseTime.AddHours(1), ContractModel.Error("again"))).ConfigureAwait(false);
        await context.StepAsync(job, new JobTransition(JobStatus.Queued, 2, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(job, new JobTransition(JobStatus.Running, 3, context.NextTime())).ConfigureAwait(false);
    }

    private static async Task TerminalStatusIsFinalAsync(CheckContext context)
    {
        foreach (var terminal in new[] { JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled })
        {
            var job = await context.CreateInAsync(terminal).ConfigureAwait(false);
            foreach (var to in Enum.GetValues<JobStatus>())
            {
                await context.TransitionAsync(job, new JobTransition(to, job.Expected.Attempt + 5, context.NextTime(), ContractModel.BaseTime.AddDays(3), ContractModel.Error("too late"))).ConfigureAwait(false);
            }

            await context.ReportProgressAsync(job, new JobProgress(99, "too late")).ConfigureAwait(false);
        }
    }
}
