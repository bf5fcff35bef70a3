namespace BackgroundTasks.Testing;

/// <summary>What a durable store reports of the continuations it settled, so that the host that decided tells its observers.</summary>
internal static partial class ConformanceChecks
{
    private static async Task SettledContinuationsAreReportedAsync(CheckContext context)
    {
        // A waiting job ends by id (no owner): the Succeeded continuation is cancelled, the Finished one after it released,
        // and the one after that keeps waiting for it.
        var store = (IDurableJobStore)context.Store;
        var first = await context.AddAsync(ContractModel.NewJob()).ConfigureAwait(false);
        var cancelled = await context.AddAsync(Continuation(first.Id, JobContinuation.Succeeded)).ConfigureAwait(false);
        var released = await context.AddAsync(Continuation(cancelled.Id, JobContinuation.Finished)).ConfigureAwait(false);
        var waiting = await context.AddAsync(Continuation(released.Id, JobContinuation.Succeeded)).ConfigureAwait(false);
        var ending = new JobTransition(JobStatus.Cancelled, 0, context.NextTime(), CancelReason: JobCancelReason.Requested);
        var result = await store.TransitionAsync(first.Id, ending, owner: null, context.CancellationToken).ConfigureAwait(false);
        var did = "TransitionAsync(Cancelled) with no owner of the first job of a chain";
        if (!result.IsRecorded)
        {
            context.Fail(did, "it is recorded (IsRecorded)", "refused");
            return;
        }

        first.Expected = first.Expected with { Status = JobStatus.Cancelled, FinishedAt = ending.Timestamp, CancelReason = JobCancelReason.Requested };
        await ExpectSettledAsync(context, cancelled, first.Id, JobStatus.Cancelled, ending.Timestamp, did).ConfigureAwait(false);
        await ExpectSettledAsync(context, released, cancelled.Id, JobStatus.Cancelled, ending.Timestamp, did).ConfigureAwait(false);
        var reported = string.Join(", ", result.SettledContinuations.OrderBy(static r => r.Id).Select(static r => $"{r.Id} {r.Status}"));
        var expected = string.Join(", ", new[] { (cancelled.Id, JobStatus.Cancelled), (released.Id, JobStatus.Queued) }.OrderBy(static e => e.Item1).Select(static e => $"{e.Item1} {e.Item2}"));
        if (reported != expected)
        {
            context.Fail($"the SettledContinuations of {did}", $"the continuations it settled, each as stored after it ({expected}), and not the one still waiting ({waiting.Id})", $"reported [{reported}]");
        }

        foreach (var record in result.SettledContinuations)
        {
            var stored = await store.GetAsync(record.Id, context.CancellationToken).ConfigureAwait(false);
            if (stored is null || stored.Status != record.Status || stored.FinishedAt != record.FinishedAt || stored.Error != record.Error || stored.Name != record.Name || stored.Queue != record.Queue)
            {
                context.Fail($"the SettledContinuations of {did}", "each record as GetAsync reads it after the write", $"reported {record.Id} {record.Status} at {record.FinishedAt:O}, stored {stored?.Status.ToString() ?? "nothing"} at {stored?.FinishedAt:O}");
            }
        }

        var again = await store.TransitionAsync(first.Id, ending with { Timestamp = context.NextTime() }, owner: null, context.CancellationToken).ConfigureAwait(false);
        if (again.IsRecorded || again.SettledContinuations.Count > 0)
        {
            context.Fail($"a second {did}", "refused, settling nothing: the job ended already", $"IsRecorded {again.IsRecorded}, {again.SettledContinuations.Count} settled");
        }
    }
}
