namespace BackgroundTasks.Testing;

internal static partial class ConformanceChecks
{
    private static readonly JobContinuation[] s_rules = [JobContinuation.Succeeded, JobContinuation.Finished];

    /// <summary>A continuation as the engine adds it: Scheduled with no due time, continuing <paramref name="parent"/>.</summary>
    private static JobRecord Continuation(JobId parent, JobContinuation when, string? name = "continuation")
        => ContractModel.NewJob(JobStatus.Scheduled, name: name) with { ScheduledAt = DateTimeOffset.MaxValue, ContinueAfter = parent, ContinueWhen = when };

    private static async Task ContinuationLinkIsKeptAsync(CheckContext context)
    {
        // The job continued never ends here, so a durable store keeps both continuations waiting until the check moves them.
        var parent = await context.AddAsync(ContractModel.NewJob()).ConfigureAwait(false);
        var finished = await context.AddAsync(Continuation(parent.Id, JobContinuation.Finished)).ConfigureAwait(false);
        var succeeded = await context.AddAsync(Continuation(parent.Id, JobContinuation.Succeeded)).ConfigureAwait(false);
        await context.ReportProgressAsync(finished, new JobProgress(5, "waiting")).ConfigureAwait(false);
        await context.StepAsync(finished, new JobTransition(JobStatus.Cancelled, 0, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(succeeded, new JobTransition(JobStatus.Queued, 0, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(succeeded, new JobTransition(JobStatus.Running, 1, context.NextTime())).ConfigureAwait(false);
        await context.StepAsync(succeeded, new JobTransition(JobStatus.Succeeded, 1, context.NextTime())).ConfigureAwait(false);
        await context.VerifyAsync(parent, "ending both continuations of a job that has not ended", "the job continued is not changed by its continuations").ConfigureAwait(false);
    }

    private static async Task ContinuationsAreSettledWhenTheirJobEndsAsync(CheckContext context)
    {
        foreach (var end in s_terminalStatuses)
        {
            foreach (var when in s_rules)
            {
                var parent = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
                var next = await context.AddAsync(Continuation(parent.Id, when)).ConfigureAwait(false);
                await context.StepAsync(parent, new JobTransition(JobStatus.Retrying, 1, context.NextTime(), ContractModel.BaseTime.AddHours(3), ContractModel.Error("first attempt failed"))).ConfigureAwait(false);
                await context.VerifyAsync(next, "TransitionAsync(Retrying) of the job it continues", "a continuation waits, Scheduled, until the job it continues is terminal").ConfigureAwait(false);
                await context.StepAsync(parent, new JobTransition(JobStatus.Queued, 1, context.NextTime())).ConfigureAwait(false);
                await context.StepAsync(parent, new JobTransition(JobStatus.Running, 2, context.NextTime())).ConfigureAwait(false);
                var ending = new JobTransition(end, 2, context.NextTime(), Error: end == JobStatus.Succeeded ? null : ContractModel.Error("second attempt failed"));
                await context.StepAsync(parent, ending).ConfigureAwait(false);
                await ExpectSettledAsync(context, next, parent.Id, end, ending.Timestamp, $"TransitionAsync({end}) of the job a {when} continuation continues").ConfigureAwait(false);
            }
        }
    }

    private static async Task ContinuationChainsSettleTogetherAsync(CheckContext context)
    {
        foreach (var when in s_rules)
        {
            var first = await context.CreateInAsync(JobStatus.Running).ConfigureAwait(false);
            var chain = new List<ExpectedJob> { first };
            for (var i = 0; i < 3; i++)
            {
                chain.Add(await context.AddAsync(Continuation(chain[^1].Id, when)).ConfigureAwait(false));
            }

            var ending = new JobTransition(JobStatus.Failed, 1, context.NextTime(), Error: ContractModel.Error("the first job failed"));
            await context.StepAsync(first, ending).ConfigureAwait(false);
            var did = $"TransitionAsync(Failed) of the first job of a chain of {when} continuations";
            if (when == JobContinuation.Finished)
            {
                // The next one runs; the ones after it wait for it.
                await ExpectSettledAsync(context, chain[1], first.Id, JobStatus.Failed, ending.Timestamp, did).ConfigureAwait(false);
                await context.VerifyAsync(chain[2], did, "a continuation of a job that has not ended waits, Scheduled").ConfigureAwait(false);
                await context.VerifyAsync(chain[3], did, "a continuation of a job that has not ended waits, Scheduled").ConfigureAwait(false);
                continue;
            }

            // Cancelled continuations end too, and cancel theirs, in the same step.
            for (var i = 1; i < chain.Count; i++)
            {
                await ExpectSettledAsync(context, chain[i], chain[i - 1].Id, i == 1 ? JobStatus.Failed : JobStatus.Cancelled, ending.Timestamp, did).ConfigureAwait(false);
            }
        }
    }

    private static async Task ContinuationOfAnEndedJobIsSettledWhenAddedAsync(CheckContext context)
    {
        foreach (var end in s_terminalStatuses)
        {
            foreach (var when in s_rules)
            {
                var parent = await context.CreateInAsync(end).ConfigureAwait(false);
                await AddSettledAsync(context, Continuation(parent.Id, when), parent.Id, end, $"AddAsync of a {when} continuation of a {end} job").ConfigureAwait(false);
            }
        }

        foreach (var when in s_rules)
        {
            var unknown = JobId.NewId();
            await AddSettledAsync(context, Continuation(unknown, when), unknown, null, $"AddAsync of a {when} continuation of a job the store does not hold").ConfigureAwait(false);
        }
    }

    private static async Task ReleasedContinuationsAreClaimedAsync(CheckContext context)
    {
        var store = (IDurableJobStore)context.Store;
        var now = ContractModel.BaseTime.AddDays(1);
        var parent = await context.AddAsync(ContractModel.NewJob(queue: "continued") with { Arguments = "{}" }).ConfigureAwait(false);
        var typed = Continuation(parent.Id, JobContinuation.Succeeded) with { Queue = "typed-next", Arguments = "{}" };
        var lambda = Continuation(parent.Id, JobContinuation.Finished) with { Queue = "lambda-next" };
        await store.AddAsync(typed, owner: null, context.CancellationToken).ConfigureAwait(false);
        await store.AddAsync(lambda, owner: "kit-host/1", context.CancellationToken).ConfigureAwait(false);
        foreach (var queue in new[] { "typed-next", "lambda-next" })
        {
            if ((await store.ClaimAsync(queue, "kit-host/1", 10, now, context.CancellationToken).ConfigureAwait(false)).Count > 0)
            {
                context.Fail($"ClaimAsync of queue '{queue}' while the job its continuation continues has not ended", "a waiting continuation has no due time: no claim takes it", "claimed it");
            }
        }

        var claimed = await store.ClaimAsync("continued", "kit-host/2", 1, now, context.CancellationToken).ConfigureAwait(false);
        var ended = claimed.Count == 1 ? await store.TransitionAsync(parent.Id, new JobTransition(JobStatus.Succeeded, 1, now.AddSeconds(1)), "kit-host/2", context.CancellationToken).ConfigureAwait(false) : null;
        if (ended is not { IsRecorded: true })
        {
            throw new CheckAbortedException("setting up a claimed job: the store did not claim it, or refused its owner's Succeeded");
        }

        var did = "the owner-checked TransitionAsync(Succeeded) of the job two continuations continue";
        var reported = string.Join(", ", ended.SettledContinuations.OrderBy(static r => r.Id).Select(static r => $"{r.Id} {r.Status}"));
        var expected = string.Join(", ", new[] { typed.Id, lambda.Id }.Order().Select(static id => $"{id} Queued"));
        if (reported != expected)
        {
            context.Fail($"the SettledContinuations of {did}", $"the two continuations it released, each Queued ({expected})", $"reported [{reported}]");
        }
        var other = await store.ClaimAsync("lambda-next", "kit-host/2", 10, now.AddSeconds(2), context.CancellationToken).ConfigureAwait(false);
        if (other.Count > 0)
        {
            context.Fail($"ClaimAsync by another owner after {did}", "a released continuation added with an owner stays that owner's (a lambda's code lives in its process)", "another owner claimed it");
        }

        foreach (var (queue, owner, job) in new[] { ("typed-next", "kit-host/3", typed), ("lambda-next", "kit-host/1", lambda) })
        {
            var taken = await store.ClaimAsync(queue, owner, 10, now.AddSeconds(2), context.CancellationToken).ConfigureAwait(false);
            if (taken.Count != 1 || taken[0].Id != job.Id)
            {
                context.Fail($"ClaimAsync of queue '{queue}' by '{owner}' after {did}", "a released continuation is Queued: the claim takes it (a typed one by any owner, one added with an owner by that owner)", $"claimed {taken.Count} job(s)");
            }
        }
    }

    private static async Task RecoveredJobsSettleTheirContinuationsAsync(CheckContext context)
    {
        var store = (IDurableJobStore)context.Store;
        var now = ContractModel.BaseTime.AddDays(1);
        var parent = ContractModel.NewJob(queue: "abandoned") with { MaxAttempts = 1, Arguments = "{}" };
        await store.AddAsync(parent, owner: null, context.CancellationToken).ConfigureAwait(false);
        var next = await context.AddAsync(Continuation(parent.Id, JobContinuation.Succeeded)).ConfigureAwait(false);
        if ((await store.ClaimAsync("abandoned", "gone-host/1", 1, now, context.CancellationToken).ConfigureAwait(false)).Count != 1)
        {
            throw new CheckAbortedException("setting up a claimed job: the store did not claim it");
        }

        var later = now + store.LeaseDuration + TimeSpan.FromMinutes(1);
        var changed = await store.RecoverAsync(later, host: null, currentOwner: "kit-host/1", context.CancellationToken).ConfigureAwait(false);
        var recovered = await store.GetAsync(parent.Id, context.CancellationToken).ConfigureAwait(false);
        if (recovered?.Status != JobStatus.Failed)
        {
            context.Fail("RecoverAsync after the lease of a job with no attempt left expired", "the job is recovered as Failed", $"left it {recovered?.Status.ToString() ?? "unknown"}");
            return;
        }

        var reported = string.Join(", ", changed.Select(static r => $"{r.Id} {r.Status}"));
        var expected = $"{parent.Id} Failed, {next.Expected.Id} Cancelled";
        if (reported != expected)
        {
            context.Fail("the records RecoverAsync returned after it failed a job that a Succeeded continuation continues", $"the job recovered, then the continuation its end cancelled ({expected})", $"returned [{reported}]");
        }

        await ExpectSettledAsync(context, next, parent.Id, JobStatus.Failed, recovered.FinishedAt!.Value, "RecoverAsync failing the job a Succeeded continuation continues").ConfigureAwait(false);
    }

    /// <summary>Checks that a waiting continuation was settled as the contract says once the job it continues ended <paramref name="end"/> at <paramref name="at"/>.</summary>
    private static async Task ExpectSettledAsync(CheckContext context, ExpectedJob next, JobId parent, JobStatus? end, DateTimeOffset at, string did)
    {
        var runs = next.Expected.ContinueWhen == JobContinuation.Finished || end == JobStatus.Succeeded;
        next.Expected = runs
            ? next.Expected with { Status = JobStatus.Queued, ScheduledAt = null }
            : next.Expected with { Status = JobStatus.Cancelled, ScheduledAt = null, FinishedAt = at, CancelReason = JobCancelReason.Requested };
        await CompareSettledAsync(context, next, parent, end, did).ConfigureAwait(false);
    }

    private static async Task AddSettledAsync(CheckContext context, JobRecord job, JobId parent, JobStatus? end, string did)
    {
        await context.Store.AddAsync(job, context.CancellationToken).ConfigureAwait(false);
        var next = new ExpectedJob(job);
        await ExpectSettledAsync(context, next, parent, end, job.EnqueuedAt, did).ConfigureAwait(false);
    }

    private static async Task CompareSettledAsync(CheckContext context, ExpectedJob next, JobId parent, JobStatus? end, string did)
    {
        var expected = next.Expected;
        var rule = expected.Status == JobStatus.Queued
            ? $"a {expected.ContinueWhen} continuation of a job that ended {end?.ToString() ?? "unknown"} is released in the same step: Queued, ScheduledAt cleared, nothing else changed"
            : $"a Succeeded continuation of a job that ended {end?.ToString() ?? "unknown"} is cancelled in the same step: Cancelled, FinishedAt the time of that end, CancelReason Requested, an OperationCanceledException error naming that job and its end, ScheduledAt cleared";
        var actual = await context.Store.GetAsync(next.Id, context.CancellationToken).ConfigureAwait(false);
        if (actual is null)
        {
            context.Fail($"GetAsync after {did}", rule, "returned null");
            return;
        }

        var diff = RecordText.Diff(expected, actual with { Error = expected.Error });
        if (diff.Length > 0)
        {
            context.Fail($"GetAsync after {did}", rule, $"returned a record that differs: {diff}");
        }

        if (expected.Status == JobStatus.Queued)
        {
            if (!Equals(actual.Error, expected.Error))
            {
                context.Fail($"GetAsync after {did}", rule, $"set Error to {RecordText.Value(actual.Error)}");
            }

            return;
        }

        var endText = end?.ToString() ?? "unknown";
        if (actual.Error is not { } error
            || error.Type != typeof(OperationCanceledException).FullName
            || !error.Message.Contains(parent.ToString(), StringComparison.Ordinal)
            || !error.Message.Contains(endText, StringComparison.Ordinal))
        {
            context.Fail($"GetAsync after {did}", rule, $"returned Error {RecordText.Value(actual.Error)}, expected type {typeof(OperationCanceledException).FullName} and a message with '{parent}' and '{endText}'");
        }
    }
}
