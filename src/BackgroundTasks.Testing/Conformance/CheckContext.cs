namespace BackgroundTasks.Testing;

/// <summary>What one check works with: a fresh store, the options, and the violations it found.</summary>
internal sealed class CheckContext(IJobStore store, JobStoreConformanceOptions options, CancellationToken cancellationToken)
{
    private const int MaxViolations = 20;

    private readonly Lock _gate = new();
    private readonly List<string> _violations = [];
    private int _omitted;
    private long _clock;

    public IJobStore Store { get; } = store;

    public JobStoreConformanceOptions Options { get; } = options;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public bool HasViolations
    {
        get
        {
            lock (_gate)
            {
                return _violations.Count > 0;
            }
        }
    }

    /// <summary>Records a violation: what the check did, what the contract says, and what the store did.</summary>
    public void Fail(string did, string contract, string got)
    {
        lock (_gate)
        {
            if (_violations.Count < MaxViolations)
            {
                _violations.Add($"Did: {did}. Contract: {contract}. Store: {got}.");
            }
            else
            {
                _omitted++;
            }
        }
    }

    public void Fail(string message)
    {
        lock (_gate)
        {
            if (_violations.Count < MaxViolations)
            {
                _violations.Add(message);
            }
            else
            {
                _omitted++;
            }
        }
    }

    public IReadOnlyList<string> GetViolations()
    {
        lock (_gate)
        {
            var list = new List<string>(_violations);
            if (_omitted > 0)
            {
                list.Add($"... and {_omitted} more violation(s) of this check, not listed.");
            }

            return list;
        }
    }

    /// <summary>A distinct, increasing timestamp (whole seconds) for the next write.</summary>
    public DateTimeOffset NextTime() => ContractModel.BaseTime.AddSeconds(Interlocked.Increment(ref _clock));

    public async Task<ExpectedJob> AddAsync(JobRecord job)
    {
        await Store.AddAsync(job, CancellationToken).ConfigureAwait(false);
        var tracked = new ExpectedJob(job);
        await VerifyAsync(tracked, $"AddAsync of a new {job.Status} job", "GetAsync returns every field that AddAsync recorded").ConfigureAwait(false);
        return tracked;
    }

    /// <summary>Adds a job with a unique key that no job holds yet, through <see cref="IJobStore.AddUniqueAsync"/>; a store that does not record it stops the check.</summary>
    public async Task<ExpectedJob> AddUniqueHolderAsync(JobRecord job)
    {
        var holder = await Store.AddUniqueAsync(job, finishedSince: null, CancellationToken).ConfigureAwait(false);
        if (holder != job.Id)
        {
            Fail($"AddUniqueAsync of a job with key '{job.UniqueKey}', which no job holds", "the store records the job and returns its own id", $"returned {holder}");
            throw new CheckAbortedException("setting up a job with a unique key: the store did not record it");
        }

        var tracked = new ExpectedJob(job);
        await VerifyAsync(tracked, $"AddUniqueAsync of a new {job.Status} job with a unique key", "GetAsync returns every field that AddUniqueAsync recorded, the key included").ConfigureAwait(false);
        return tracked;
    }

    /// <summary>Asks the store for a transition and checks both its answer and the record against the contract.</summary>
    public async Task<bool> TransitionAsync(ExpectedJob job, JobTransition transition)
    {
        var before = job.Expected;
        var applies = ContractModel.IsApplied(before, transition);
        var rule = ContractModel.Rule(before, transition);
        var did = $"TransitionAsync({RecordText.Describe(transition)}) on a {before.Status} job at attempt {before.Attempt}";
        var applied = await Store.TransitionAsync(job.Id, transition, CancellationToken).ConfigureAwait(false);
        if (applied != applies)
        {
            Fail(did, rule, applied ? "returned true" : "returned false");
        }

        if (applies)
        {
            job.Expected = ContractModel.Apply(before, transition);
        }

        await VerifyAsync(job, did, rule).ConfigureAwait(false);
        return applied;
    }

    /// <summary>Like <see cref="TransitionAsync"/>, for a step that sets up the check: a refusal stops the check.</summary>
    public async Task StepAsync(ExpectedJob job, JobTransition transition)
    {
        var applies = ContractModel.IsApplied(job.Expected, transition);
        if (!await TransitionAsync(job, transition).ConfigureAwait(false) && applies)
        {
            throw new CheckAbortedException($"setting up a job: the store refused {transition.Status}");
        }
    }

    public async Task<bool> ReportProgressAsync(ExpectedJob job, JobProgress progress)
    {
        var before = job.Expected;
        var applies = !before.Status.IsTerminal();
        var rule = applies
            ? "progress is kept for a job that is not terminal: the store returns true and sets Progress, nothing else"
            : $"progress is refused for a terminal ({before.Status}) job: the store changes nothing and returns false";
        var did = $"ReportProgressAsync({RecordText.Value(progress)}) on a {before.Status} job";
        var applied = await Store.ReportProgressAsync(job.Id, progress, CancellationToken).ConfigureAwait(false);
        if (applied != applies)
        {
            Fail(did, rule, applied ? "returned true" : "returned false");
        }

        if (applies)
        {
            job.Expected = before with { Progress = progress };
        }

        await VerifyAsync(job, did, rule).ConfigureAwait(false);
        return applied;
    }

    /// <summary>Reads the job and compares it, field by field, with the record the contract prescribes.</summary>
    public async Task VerifyAsync(ExpectedJob job, string did, string rule)
    {
        var actual = await Store.GetAsync(job.Id, CancellationToken).ConfigureAwait(false);
        if (actual is null)
        {
            Fail(
                $"GetAsync after {did}",
                job.Expected.Status.IsTerminal()
                    ? "a store may forget a terminal job by retention, but the kit needs terminal jobs kept while it runs; configure a retention of at least a minute for the verification"
                    : "a store never forgets a job that is not terminal",
                $"returned null for a {job.Expected.Status} job");
            return;
        }

        var diff = RecordText.Diff(job.Expected, actual);
        if (diff.Length > 0)
        {
            Fail($"GetAsync after {did}", rule, $"returned a record that differs: {diff}");
        }
    }

    /// <summary>Creates a job (from <paramref name="template"/>, keeping its id) and drives it, through allowed transitions, to <paramref name="status"/>.</summary>
    public async Task<ExpectedJob> CreateInAsync(JobStatus status, JobRecord? template = null)
    {
        var job = template ?? ContractModel.NewJob();
        Func<JobRecord, Task<ExpectedJob>> add = job.UniqueKey is null ? AddAsync : AddUniqueHolderAsync;
        if (status == JobStatus.Scheduled)
        {
            return await add(job with { Status = JobStatus.Scheduled, ScheduledAt = ContractModel.BaseTime.AddHours(1) }).ConfigureAwait(false);
        }

        var tracked = await add(job with { Status = JobStatus.Queued, ScheduledAt = null }).ConfigureAwait(false);
        switch (status)
        {
            case JobStatus.Queued:
                break;
            case JobStatus.Cancelled:
                await StepAsync(tracked, new JobTransition(JobStatus.Cancelled, 0, NextTime())).ConfigureAwait(false);
                break;
            default:
                await StepAsync(tracked, new JobTransition(JobStatus.Running, 1, NextTime())).ConfigureAwait(false);
                var next = status switch
                {
                    JobStatus.Running => (JobTransition?)null,
                    JobStatus.Retrying => new JobTransition(JobStatus.Retrying, 1, NextTime(), ContractModel.BaseTime.AddHours(2), ContractModel.Error("first attempt failed")),
                    JobStatus.Succeeded => new JobTransition(JobStatus.Succeeded, 1, NextTime()),
                    JobStatus.Failed => new JobTransition(JobStatus.Failed, 1, NextTime(), Error: ContractModel.Error("the job failed")),
                    _ => throw new ArgumentOutOfRangeException(nameof(status), status, "The kit cannot reach this status."),
                };
                if (next is { } transition)
                {
                    await StepAsync(tracked, transition).ConfigureAwait(false);
                }

                break;
        }

        return tracked;
    }
}
