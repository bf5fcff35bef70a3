using System.Globalization;
using System.Text;

namespace BackgroundTasks.Testing;

/// <summary>What <see cref="JobStoreConformance.VerifyAsync"/> found: one result per check, in a fixed order.</summary>
public sealed class JobStoreConformanceReport
{
    internal JobStoreConformanceReport(string storeName, IReadOnlyList<JobStoreCheckResult> checks, TimeSpan duration)
    {
        StoreName = storeName;
        Checks = checks;
        Duration = duration;
    }

    /// <summary>Gets the type name of the store that was verified.</summary>
    public string StoreName { get; }

    /// <summary>Gets every check's result, skipped checks included.</summary>
    public IReadOnlyList<JobStoreCheckResult> Checks { get; }

    /// <summary>Gets the checks that failed.</summary>
    public IReadOnlyList<JobStoreCheckResult> Failures => [.. Checks.Where(static c => c.Outcome == JobStoreCheckOutcome.Failed)];

    /// <summary>Gets a value indicating whether no check failed. Skipped checks, and checks that do not apply to the store, do not fail the report, but are listed in it.</summary>
    public bool Passed => Checks.All(static c => c.Outcome != JobStoreCheckOutcome.Failed);

    /// <summary>Gets how long the whole verification took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Throws when any check failed, with every violation of every failed check in the message.</summary>
    /// <exception cref="JobStoreConformanceException">At least one check failed.</exception>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new JobStoreConformanceException(this);
        }
    }

    /// <summary>Describes the report: a summary line, then every check with its outcome and violations.</summary>
    /// <returns>The text, one check per line (violations indented below their check).</returns>
    public override string ToString() => ToString(includePassed: true);

    internal string ToString(bool includePassed)
    {
        var passed = Checks.Count(static c => c.Outcome == JobStoreCheckOutcome.Passed);
        var failed = Checks.Count(static c => c.Outcome == JobStoreCheckOutcome.Failed);
        var skipped = Checks.Count(static c => c.Outcome == JobStoreCheckOutcome.Skipped);
        var notApplicable = Checks.Count(static c => c.Outcome == JobStoreCheckOutcome.NotApplicable);
        var other = notApplicable > 0 ? $", {notApplicable} not applicable (clauses of IDurableJobStore or IRecurringJobStore, which the store does not implement)" : string.Empty;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Job store conformance of {StoreName}: {passed} passed, {failed} failed, {skipped} skipped{other} in {Duration.TotalSeconds:0.00} s.");
        foreach (var check in Checks)
        {
            if (includePassed || check.Outcome != JobStoreCheckOutcome.Passed)
            {
                text.AppendLine().Append("  ").Append(check);
            }
        }

        return text.ToString();
    }
}
