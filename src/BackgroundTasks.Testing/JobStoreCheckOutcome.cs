namespace BackgroundTasks.Testing;

/// <summary>How one check of <see cref="JobStoreConformance.VerifyAsync"/> ended.</summary>
public enum JobStoreCheckOutcome
{
    /// <summary>The store kept this clause of the contract.</summary>
    Passed = 0,

    /// <summary>The store broke this clause; <see cref="JobStoreCheckResult.Violations"/> says how.</summary>
    Failed = 1,

    /// <summary>The check did not run because <see cref="JobStoreConformanceOptions.SkippedChecks"/> names it.</summary>
    Skipped = 2,

    /// <summary>The check verifies a clause of <see cref="IDurableJobStore"/> or <see cref="IRecurringJobStore"/>, and the store is not one, so the clause does not apply to it.</summary>
    NotApplicable = 3,
}
