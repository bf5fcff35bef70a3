namespace BackgroundTasks.Testing;

/// <summary>One named clause of the contract and the code that verifies it against a fresh store.</summary>
/// <param name="Name">The check's name.</param>
/// <param name="Description">The clause, in one sentence.</param>
/// <param name="RunAsync">The code that verifies it.</param>
/// <param name="DurableOnly">Whether the clause is one of <see cref="IDurableJobStore"/>'s, so that the check does not apply to other stores.</param>
/// <param name="RecurringOnly">Whether the clause is one of <see cref="IRecurringJobStore"/>'s, so that the check does not apply to other stores.</param>
internal sealed record ConformanceCheck(string Name, string Description, Func<CheckContext, Task> RunAsync, bool DurableOnly = false, bool RecurringOnly = false);
