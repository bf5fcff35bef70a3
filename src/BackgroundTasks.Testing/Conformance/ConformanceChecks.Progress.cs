namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static async Task ProgressIsKeptWhileNotTerminalAsync(CheckContext context)
    {
        foreach (var status in new[] { JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running, JobStatus.Retrying })
        {
            var job = await context.CreateInAsync(status).ConfigureAwait(false);
            await context.ReportProgressAsync(job, new JobProgress(12.5, $"while {status}", 1, 8)).ConfigureAwait(false);
            await context.ReportProgressAsync(job, new JobProgress(37.5, "latest wins", 3, 8)).ConfigureAwait(false);
            await context.ReportProgressAsync(job, new JobProgress(37.5)).ConfigureAwait(false);
        }

        // Progress survives the transitions that follow, terminal ones included.
        var running = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
        await context.ReportProgressAsync(running, new JobProgress(50, "half", 5, 10)).ConfigureAwait(false);
        await context.TransitionAsync(running, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddHours(1), ContractModel.Error("oops"))).ConfigureAwait(false);
        await context.TransitionAsync(running, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(running, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.TransitionAsync(running, new JobTransition(JobStatus.Succeeded, 2, context.NextTime())).ConfigureAwait(false);
    }

    private static async Task ProgressIsRefusedOnceTerminalAsync(CheckContext context)
    {
        foreach (var terminal in new[] { JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled })
        {
            var job = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
            await context.ReportProgressAsync(job, new JobProgress(80, "last word", 8, 10)).ConfigureAwait(false);
            await context.StepAsync(job, new JobTransition(terminal, 1, context.NextTime(), Error: terminal == JobStatus.Succeeded ? null : ContractModel.Error("stopped"))).ConfigureAwait(false);
            await context.ReportProgressAsync(job, new JobProgress(100, "after the end", 10, 10)).ConfigureAwait(false);
        }
    }
}
