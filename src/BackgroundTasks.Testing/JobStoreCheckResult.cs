using System.Globalization;
using System.Text;

namespace BackgroundTasks.Testing;

/// <summary>The result of one check of <see cref="JobStoreConformance.VerifyAsync"/>: one clause of the <see cref="IJobStore"/> contract.</summary>
public sealed class JobStoreCheckResult
{
    internal JobStoreCheckResult(string name, string description, JobStoreCheckOutcome outcome, IReadOnlyList<string> violations, TimeSpan duration)
    {
        Name = name;
        Description = description;
        Outcome = outcome;
        Violations = violations;
        Duration = duration;
    }

    /// <summary>Gets the check's name, one of <see cref="JobStoreConformance.CheckNames"/>, for example <c>QueryReturnsNewestFirst</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the clause of the contract the check verifies, in one sentence.</summary>
    public string Description { get; }

    /// <summary>Gets whether the check passed, failed or was skipped.</summary>
    public JobStoreCheckOutcome Outcome { get; }

    /// <summary>Gets what went wrong, one message per violation: what the check did, what the contract says and what the store did. Empty unless <see cref="Outcome"/> is <see cref="JobStoreCheckOutcome.Failed"/>.</summary>
    public IReadOnlyList<string> Violations { get; }

    /// <summary>Gets how long the check ran; zero for a skipped check or one that does not apply.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Describes the result: outcome, name and, for a failed check, every violation.</summary>
    /// <returns>One line per violation after a heading line.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        var outcome = Outcome switch
        {
            JobStoreCheckOutcome.Passed => "PASS",
            JobStoreCheckOutcome.Failed => "FAIL",
            JobStoreCheckOutcome.NotApplicable => "N/A ",
            _ => "SKIP",
        };
        text.Append(CultureInfo.InvariantCulture, $"{outcome} {Name}");
        if (Outcome == JobStoreCheckOutcome.Skipped)
        {
            text.Append(" (skipped by JobStoreConformanceOptions.SkippedChecks: this clause was NOT verified)");
        }
        else if (Outcome == JobStoreCheckOutcome.NotApplicable)
        {
            var capability = Description.StartsWith("(IRecurringJobStore)", StringComparison.Ordinal) ? nameof(IRecurringJobStore) : nameof(IDurableJobStore);
            text.Append(CultureInfo.InvariantCulture, $" (a clause of {capability}; the store is not one)");
        }

        foreach (var violation in Violations)
        {
            text.AppendLine().Append("     - ").Append(violation);
        }

        return text.ToString();
    }
}
