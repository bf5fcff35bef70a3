namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static async Task ArgumentsAreKeptAsync(CheckContext context)
    {
        // Escapes, non-ASCII text, nesting and a long value: a store keeps the text as it was given.
        const string Json = """{"orderId":42,"note":"ünïcödé \"quoted\" \\ back\nslash","items":[1,2.5,null,true],"nested":{"empty":""}}""";
        var large = "[" + string.Join(",", Enumerable.Range(0, 5000)) + "]";
        var queued = await context.AddAsync(ContractModel.NewJob(name: "send-invoice") with { Arguments = Json }).ConfigureAwait(false);
        var scheduled = await context.AddAsync(ContractModel.NewJob(JobStatus.Scheduled, name: "send-invoice") with { Arguments = "{}" }).ConfigureAwait(false);
        var bulk = await context.AddAsync(ContractModel.NewJob(name: "bulk-import") with { Arguments = large }).ConfigureAwait(false);
        var lambda = await context.AddAsync(ContractModel.NewJob(name: "send-invoice")).ConfigureAwait(false);

        var page = await context.Store.QueryAsync(new JobQuery { Name = "send-invoice", Take = 10 }, context.CancellationToken).ConfigureAwait(false);
        foreach (var job in new[] { queued, scheduled, lambda })
        {
            var found = page.FirstOrDefault(r => r.Id == job.Id);
            if (found is null || !string.Equals(found.Arguments, job.Expected.Arguments, StringComparison.Ordinal))
            {
                context.Fail(
                    "QueryAsync(new JobQuery { Name = \"send-invoice\", Take = 10 }) after adding typed jobs",
                    "QueryAsync returns a typed job's Arguments exactly as AddAsync recorded them",
                    found is null ? $"left out job {job.Id}" : $"returned Arguments {RecordText.Value(found.Arguments)} for job {job.Id}, expected {RecordText.Value(job.Expected.Arguments)}");
            }
        }

        await context.StepAsync(queued, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.ReportProgressAsync(queued, new JobProgress(50, "half")).ConfigureAwait(false);
        await context.StepAsync(queued, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddMinutes(1), ContractModel.Error("flaky"))).ConfigureAwait(false);
        await context.StepAsync(queued, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(queued, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(queued, new JobTransition(JobStatus.Succeeded, 2, context.NextTime(), Result: "sent")).ConfigureAwait(false);

        await context.StepAsync(scheduled, new JobTransition(JobStatus.Queued, 0, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(scheduled, new JobTransition(JobStatus.Cancelled, 0, context.NextTime(), CancelReason: JobCancelReason.Requested)).ConfigureAwait(false);

        await context.StepAsync(bulk, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(bulk, new JobTransition(JobStatus.Failed, 1, context.NextTime(), Error: ContractModel.Error("bad row"))).ConfigureAwait(false);
    }

    private static async Task CancelledKeepsCancelReasonAsync(CheckContext context)
    {
        var cases = new (JobStatus From, JobCancelReason Reason)[]
        {
            (JobStatus.Scheduled, JobCancelReason.Requested),
            (JobStatus.Queued, JobCancelReason.Shutdown),
            (JobStatus.Queued, JobCancelReason.None),
            (JobStatus.Running, JobCancelReason.Requested),
            (JobStatus.Running, JobCancelReason.Shutdown),
            (JobStatus.Retrying, JobCancelReason.Shutdown),
        };
        foreach (var (from, reason) in cases)
        {
            var job = await context.CreateInAsync(from).ConfigureAwait(false);
            await context.TransitionAsync(job, new JobTransition(JobStatus.Cancelled, job.Expected.Attempt, context.NextTime(), CancelReason: reason)).ConfigureAwait(false);
        }

        // A reason on any other transition is not recorded, and a refused cancellation changes nothing.
        var other = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
        await context.TransitionAsync(other, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddMinutes(1), ContractModel.Error("flaky"), CancelReason: JobCancelReason.Requested)).ConfigureAwait(false);
        await context.TransitionAsync(other, new JobTransition(JobStatus.Queued, 1, context.NextTime(), CancelReason: JobCancelReason.Shutdown)).ConfigureAwait(false);
        await context.TransitionAsync(other, new JobTransition(JobStatus.Running, 2, context.NextTime(), CancelReason: JobCancelReason.Shutdown)).ConfigureAwait(false);
        await context.TransitionAsync(other, new JobTransition(JobStatus.Failed, 2, context.NextTime(), Error: ContractModel.Error("gave up"), CancelReason: JobCancelReason.Requested)).ConfigureAwait(false);
        await context.TransitionAsync(other, new JobTransition(JobStatus.Cancelled, 2, context.NextTime(), CancelReason: JobCancelReason.Shutdown)).ConfigureAwait(false);
    }
}
