using BackgroundTasks.Testing;

namespace BackgroundTasks.Sqlite.Tests.Store;

public sealed class SqliteConformanceTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task VerifyAsync_SqliteStoreOnAFile_PassesEveryCheck(CancellationToken cancellationToken)
    {
        using var database = new TempDatabase();
        var report = await JobStoreConformance.VerifyAsync(() => new SqliteJobStore(database.Options(database.NewPath())), cancellationToken: cancellationToken);

        TestContext.Out.WriteLine(report);
        Assert.That(report.Passed, Is.True, report.ToString());
        Assert.That(report.Checks.Select(c => c.Outcome), Is.All.EqualTo(JobStoreCheckOutcome.Passed), "No check is skipped: results of common types round-trip.");
        Assert.That(report.StoreName, Is.EqualTo(nameof(SqliteJobStore)));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task VerifyAsync_DurableStoreThatLosesTheContinuationLink_FailsTheContinuationChecks(CancellationToken cancellationToken)
    {
        using var database = new TempDatabase();
        var report = await JobStoreConformance.VerifyAsync(() => new LinkLosingStore(new SqliteJobStore(database.Options(database.NewPath()))), cancellationToken: cancellationToken);

        Assert.That(
            report.Failures.Select(c => c.Name),
            Is.EqualTo(new[] { "ContinuationLinkIsKept", "ContinuationsAreSettledWhenTheirJobEnds", "ContinuationChainsSettleTogether", "ContinuationOfAnEndedJobIsSettledWhenAdded", "ReleasedContinuationsAreClaimed", "RecoveredJobsSettleTheirContinuations", "SettledContinuationsAreReported" }),
            report.ToString());
        Assert.That(report.Failures[1].Violations, Has.Some.Contains("is released in the same step").And.Some.Contains("is cancelled in the same step"));
    }

    /// <summary>A durable store that records a continuation as a plain scheduled job: it never learns what the job waits for.</summary>
    private sealed class LinkLosingStore(SqliteJobStore inner) : IDurableJobStore, IAsyncDisposable
    {
        private readonly IDurableJobStore _durable = inner;

        public TimeSpan LeaseDuration => _durable.LeaseDuration;

        public ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default) => inner.AddAsync(Lose(job), cancellationToken);

        public ValueTask AddAsync(JobRecord job, string? owner, CancellationToken cancellationToken = default) => _durable.AddAsync(Lose(job), owner, cancellationToken);

        public ValueTask<IReadOnlyList<JobRecord>> ClaimAsync(string queue, string owner, int max, DateTimeOffset now, CancellationToken cancellationToken = default)
            => _durable.ClaimAsync(queue, owner, max, now, cancellationToken);

        public ValueTask<IReadOnlyList<JobId>> RenewLeasesAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken = default)
            => _durable.RenewLeasesAsync(owner, now, cancellationToken);

        public ValueTask<JobTransitionResult> TransitionAsync(JobId id, JobTransition transition, string? owner, CancellationToken cancellationToken = default)
            => _durable.TransitionAsync(id, transition, owner, cancellationToken);

        public ValueTask<IReadOnlyList<JobRecord>> RecoverAsync(DateTimeOffset now, string? host, string currentOwner, CancellationToken cancellationToken = default)
            => _durable.RecoverAsync(now, host, currentOwner, cancellationToken);

        public ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default) => inner.TransitionAsync(id, transition, cancellationToken);

        public ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default) => inner.ReportProgressAsync(id, progress, cancellationToken);

        public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => inner.GetAsync(id, cancellationToken);

        public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);

        public ValueTask<JobId> AddUniqueAsync(JobRecord job, DateTimeOffset? finishedSince, CancellationToken cancellationToken = default) => inner.AddUniqueAsync(job, finishedSince, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private static JobRecord Lose(JobRecord job) => job with { ContinueAfter = null, ContinueWhen = JobContinuation.Succeeded };
    }
}
