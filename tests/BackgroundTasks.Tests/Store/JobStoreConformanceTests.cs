using BackgroundTasks.Testing;

namespace BackgroundTasks.Tests.Store;

public sealed class JobStoreConformanceTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_InMemoryStore_PassesEveryCheck(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new InMemoryJobStore(), cancellationToken: cancellationToken);

        TestContext.Out.WriteLine(report);
        Assert.That(report.Passed, Is.True, report.ToString());
        Assert.That(report.Checks.Select(c => c.Name), Is.EqualTo(JobStoreConformance.CheckNames));
        Assert.That(report.Checks.Where(c => !c.Description.StartsWith("(IDurableJobStore)", StringComparison.Ordinal)).Select(c => c.Outcome), Is.All.EqualTo(JobStoreCheckOutcome.Passed));
        Assert.That(
            report.Checks.Where(c => c.Outcome == JobStoreCheckOutcome.NotApplicable).Select(c => c.Name),
            Is.EqualTo(new[] { "ContinuationsAreSettledWhenTheirJobEnds", "ContinuationChainsSettleTogether", "ContinuationOfAnEndedJobIsSettledWhenAdded", "ReleasedContinuationsAreClaimed", "RecoveredJobsSettleTheirContinuations", "SettledContinuationsAreReported" }),
            "The clauses of IDurableJobStore do not apply to a store that is not one.");
        Assert.That(report.ToString(), Does.Contain("6 not applicable (clauses of IDurableJobStore or IRecurringJobStore").And.Contain("N/A  ContinuationChainsSettleTogether (a clause of IDurableJobStore; the store is not one)"));
        Assert.That(report.StoreName, Is.EqualTo(nameof(InMemoryJobStore)));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_UserWrittenDictionaryStore_PassesEveryCheck(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new DictionaryJobStore(), cancellationToken: cancellationToken);

        Assert.That(report.Passed, Is.True, report.ToString());
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_StoreThatChecksThenAddsAKey_FailsRacingUniqueAddsOnly(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new CheckThenAddJobStore(), cancellationToken: cancellationToken);

        Assert.That(report.Failures.Select(c => c.Name), Is.EqualTo(new[] { "RacingUniqueAddsHaveOneWinner" }), report.ToString());
        Assert.That(report.Failures[0].Violations[0], Does.Contain("concurrent AddUniqueAsync calls with key 'race:").And.Contain("exactly one of the jobs is recorded").And.Match(@"Store: recorded [2-8]\."), "How many of the racing adds get in depends on how they interleave; more than one always does here.");
    }

    [Test]
    public void CheckNames_ListsOneCheckPerContractClause_UniqueNames()
    {
        Assert.That(JobStoreConformance.CheckNames, Is.Unique);
        Assert.That(JobStoreConformance.CheckNames, Has.Count.GreaterThanOrEqualTo(20));
        Assert.That(JobStoreConformance.CheckNames, Does.Contain("DisallowedTransitionsAreRefused").And.Contain("RacingTerminalTransitionsHaveOneWinner").And.Contain("QueryReturnsNewestFirst"));
        Assert.That(JobStoreConformance.CheckNames, Does.Contain("ArgumentsAreKept").And.Contain("CancelledKeepsCancelReason").And.Contain("TraceContextIsKept"));
        Assert.That(JobStoreConformance.CheckNames, Does.Contain("UniqueKeyIsHeldWhileNotTerminal").And.Contain("UniqueKeyIsReleasedWhenTerminal").And.Contain("RacingUniqueAddsHaveOneWinner"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_StoreDroppingArgumentsAndCancelReason_FailsTheirTwoChecksOnly(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new FieldDroppingJobStore(), cancellationToken: cancellationToken);
        TestContext.Out.WriteLine(report);

        Assert.That(report.Failures.Select(c => c.Name), Is.EquivalentTo(new[] { "ArgumentsAreKept", "CancelledKeepsCancelReason" }), report.ToString());
        var arguments = report.Failures.Single(c => c.Name == "ArgumentsAreKept").Violations;
        Assert.That(arguments[0], Does.Contain("GetAsync after AddAsync of a new Queued job").And.Contain("Arguments: expected \"{\"orderId\":42").And.Contain(", got null"));
        Assert.That(arguments, Has.Some.Contain("(23891 characters), got null"), "A long text is cut in the message, and its length given.");
        var reasons = report.Failures.Single(c => c.Name == "CancelledKeepsCancelReason").Violations;
        Assert.That(reasons, Has.Some.Contain("TransitionAsync(Cancelled, attempt 1").And.Contain("reason Shutdown").And.Contain("sets Status, FinishedAt (the transition's timestamp), CancelReason").And.Contain("CancelReason: expected Shutdown, got None"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_StoreDroppingTheTraceContext_FailsTraceContextIsKeptOnly(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new FieldDroppingJobStore(static r => r with { TraceParent = null, TraceState = null }), cancellationToken: cancellationToken);

        Assert.That(report.Failures.Select(c => c.Name), Is.EqualTo(new[] { "TraceContextIsKept" }), report.ToString());
        var violations = report.Failures[0].Violations;
        Assert.That(violations[0], Does.Contain("GetAsync after AddAsync of a new Queued job").And.Contain("TraceParent: expected \"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\", got null").And.Contain("TraceState: expected \"congo=t61rcWkgMzE,rojo=00f067aa0ba902b7\", got null"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_StoreDroppingTimeoutAndBackoff_FailsAttemptSettingsAreKeptOnly(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new FieldDroppingJobStore(static r => r with { Timeout = null, Backoff = null }), cancellationToken: cancellationToken);

        Assert.That(report.Failures.Select(c => c.Name), Is.EqualTo(new[] { "AttemptSettingsAreKept" }), report.ToString());
        Assert.That(report.Failures[0].Violations[0], Does.Contain("GetAsync after AddAsync of a new Queued job").And.Contain("Timeout: expected 00:00:42.5000000, got null").And.Contain("Backoff: expected"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_StoreAcceptingDuplicateIds_FailsAddDuplicateIdIsRejected(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new DuplicateSwallowingJobStore(), cancellationToken: cancellationToken);
        TestContext.Out.WriteLine(report);

        Assert.That(report.Passed, Is.False);
        Assert.That(report.Failures.Select(c => c.Name), Is.EqualTo(new[] { "AddDuplicateIdIsRejected" }), report.ToString());
        var violations = report.Failures[0].Violations;
        Assert.That(violations, Has.Count.EqualTo(2));
        Assert.That(violations[0], Does.Contain("AddAsync of a second job with the id of a Queued job")
            .And.Contain("throws ArgumentException when a job with the same id is already recorded")
            .And.Contain("accepted it without an exception"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_StoreMovingStatusBackwards_FailsDisallowedTransitionsAndTerminalChecks(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new BackwardsJobStore(), cancellationToken: cancellationToken);
        TestContext.Out.WriteLine(report);

        var failed = report.Failures.Select(c => c.Name).ToList();
        Assert.That(failed, Does.Contain("DisallowedTransitionsAreRefused")
            .And.Contain("TerminalStatusIsFinal")
            .And.Contain("RunningNeedsAGreaterAttempt"), report.ToString());
        Assert.That(failed, Does.Not.Contain("AddThenGetRoundTrips").And.Not.Contain("QueryReturnsNewestFirst"), report.ToString());

        var disallowed = report.Failures.Single(c => c.Name == "DisallowedTransitionsAreRefused").Violations;
        Assert.That(disallowed, Has.Some.Contain("Did: TransitionAsync(Running, attempt 1").And.Contain("on a Scheduled job at attempt 0")
            .And.Contain("Contract: JobTransition.IsAllowed(Scheduled, Running) is false, so the store changes nothing and returns false")
            .And.Contain("Store: returned true."));
        Assert.That(disallowed, Has.Some.Contain("Store: returned a record that differs: Status: expected Scheduled, got Running; Attempt: expected 0, got 1;"));
        Assert.That(disallowed[^1], Does.StartWith("... and ").And.EndWith("more violation(s) of this check, not listed."), "Long lists are capped, and say so.");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_StoreWithCheckThenActRace_FailsRacingTerminalTransitions(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new RacyJobStore(), cancellationToken: cancellationToken);
        TestContext.Out.WriteLine(report);

        var failed = report.Failures.Select(c => c.Name).ToList();
        Assert.That(failed, Does.Contain("RacingTerminalTransitionsHaveOneWinner").And.Contain("CancellationRacingARunIsConsistent"), report.ToString());
        Assert.That(failed, Does.Not.Contain("DisallowedTransitionsAreRefused").And.Not.Contain("HappyPathIsRecorded"), "Without races, the store keeps the contract.");
        var racing = report.Failures.Single(c => c.Name == "RacingTerminalTransitionsHaveOneWinner").Violations;
        Assert.That(racing, Has.Some.Contain("raced TransitionAsync to Succeeded, Failed and Cancelled")
            .And.Contain("exactly one terminal transition succeeds")
            .And.Match("returned true for (Succeeded|Failed|Cancelled) and "));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_StoreQueryingOldestFirst_FailsQueryOrderAndPaging(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new OldestFirstJobStore(), cancellationToken: cancellationToken);
        TestContext.Out.WriteLine(report);

        var failed = report.Failures.Select(c => c.Name).ToList();
        Assert.That(failed, Does.Contain("QueryReturnsNewestFirst").And.Contain("QueryPagesWithSkipAndTake"), report.ToString());
        Assert.That(failed, Does.Not.Contain("QueryFiltersMatch"), "The filters themselves are right.");
        var order = report.Failures.Single(c => c.Name == "QueryReturnsNewestFirst").Violations;
        Assert.That(order[0], Does.Contain("QueryAsync(new JobQuery { Take = 10000 }) over 32 jobs added in shuffled order")
            .And.Contain("results come newest first: in descending JobId order")
            .And.Contain("which is newer"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task VerifyAsync_SkippedCheck_IsListedAsSkippedAndNotRun(CancellationToken cancellationToken)
    {
        var options = new JobStoreConformanceOptions();
        options.SkippedChecks.Add("AddDuplicateIdIsRejected");

        var report = await JobStoreConformance.VerifyAsync(() => new DuplicateSwallowingJobStore(), options, cancellationToken);

        Assert.That(report.Passed, Is.True, report.ToString());
        var skipped = report.Checks.Single(c => c.Name == "AddDuplicateIdIsRejected");
        Assert.That(skipped.Outcome, Is.EqualTo(JobStoreCheckOutcome.Skipped));
        Assert.That(report.ToString(), Does.Contain("1 skipped").And.Contain("SKIP AddDuplicateIdIsRejected (skipped by JobStoreConformanceOptions.SkippedChecks: this clause was NOT verified)"));
    }

    [Test]
    public void VerifyAsync_UnknownSkippedCheck_ThrowsArgumentExceptionListingTheChecks()
    {
        var options = new JobStoreConformanceOptions();
        options.SkippedChecks.Add("NoSuchCheck");

        var exception = Assert.ThrowsAsync<ArgumentException>(() => JobStoreConformance.VerifyAsync(() => new InMemoryJobStore(), options));

        Assert.That(exception!.Message, Does.Contain("NoSuchCheck").And.Contain("QueryReturnsNewestFirst"));
    }

    [Test]
    public void VerifyAsync_NullFactory_ThrowsArgumentNullException()
        => Assert.ThrowsAsync<ArgumentNullException>(() => JobStoreConformance.VerifyAsync(null!));

    [Test]
    [CancelAfter(60_000)]
    public async Task ThrowIfFailed_SeveralFailedChecks_ListsEveryViolation(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new BackwardsJobStore(), cancellationToken: cancellationToken);
        TestContext.Out.WriteLine(report);

        var exception = Assert.Throws<JobStoreConformanceException>(report.ThrowIfFailed);

        Assert.That(exception!.Report, Is.SameAs(report));
        Assert.That(report.Failures, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(exception.Message, Does.StartWith($"Job store conformance of {nameof(BackwardsJobStore)}: "));
        foreach (var failure in report.Failures)
        {
            Assert.That(exception.Message, Does.Contain($"FAIL {failure.Name}"));
            foreach (var violation in failure.Violations)
            {
                Assert.That(exception.Message, Does.Contain(violation));
            }
        }

        Assert.That(exception.Message, Does.Not.Contain("PASS "), "The exception lists what failed, not what passed.");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task ThrowIfFailed_ConformingStore_DoesNotThrow(CancellationToken cancellationToken)
    {
        var report = await JobStoreConformance.VerifyAsync(() => new InMemoryJobStore(), cancellationToken: cancellationToken);

        Assert.That(report.ThrowIfFailed, Throws.Nothing);
    }
}
