namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static async Task TraceContextIsKeptAsync(CheckContext context)
    {
        // W3C values as the engine writes them: a sampled and an unsampled parent, a trace state with several vendors.
        const string Sampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        const string Unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
        const string State = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
        var queued = await context.AddAsync(ContractModel.NewJob(name: "traced") with { TraceParent = Sampled, TraceState = State }).ConfigureAwait(false);
        var scheduled = await context.AddAsync(ContractModel.NewJob(JobStatus.Scheduled, name: "traced") with { TraceParent = Unsampled }).ConfigureAwait(false);
        var untraced = await context.AddAsync(ContractModel.NewJob(name: "traced")).ConfigureAwait(false);

        var page = await context.Store.QueryAsync(new JobQuery { Name = "traced", Take = 10 }, context.CancellationToken).ConfigureAwait(false);
        foreach (var job in new[] { queued, scheduled, untraced })
        {
            var found = page.FirstOrDefault(r => r.Id == job.Id);
            if (found is null
                || !string.Equals(found.TraceParent, job.Expected.TraceParent, StringComparison.Ordinal)
                || !string.Equals(found.TraceState, job.Expected.TraceState, StringComparison.Ordinal))
            {
                context.Fail(
                    "QueryAsync(new JobQuery { Name = \"traced\", Take = 10 }) after adding jobs with and without a trace context",
                    "QueryAsync returns a job's TraceParent and TraceState exactly as AddAsync recorded them",
                    found is null
                        ? $"left out job {job.Id}"
                        : $"returned TraceParent {RecordText.Value(found.TraceParent)} and TraceState {RecordText.Value(found.TraceState)} for job {job.Id}, expected {RecordText.Value(job.Expected.TraceParent)} and {RecordText.Value(job.Expected.TraceState)}");
            }
        }

        // Every step verifies the whole record, the trace context included.
        await context.StepAsync(queued, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.ReportProgressAsync(queued, new JobProgress(50, "half")).ConfigureAwait(false);
        await context.StepAsync(queued, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddMinutes(1), ContractModel.Error("flaky"))).ConfigureAwait(false);
        await context.StepAsync(queued, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(queued, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(queued, new JobTransition(JobStatus.Succeeded, 2, context.NextTime(), Result: "sent")).ConfigureAwait(false);

        await context.StepAsync(scheduled, new JobTransition(JobStatus.Queued, 0, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(scheduled, new JobTransition(JobStatus.Cancelled, 0, context.NextTime())).ConfigureAwait(false);

        await context.StepAsync(untraced, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(untraced, new JobTransition(JobStatus.Failed, 1, context.NextTime(), Error: ContractModel.Error("bad row"))).ConfigureAwait(false);
    }
}
