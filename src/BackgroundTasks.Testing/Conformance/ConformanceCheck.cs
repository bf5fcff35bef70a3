namespace BackgroundTasks.Testing;

/// <summary>One named clause of the contract and the code that verifies it against a fresh store.</summary>
internal sealed record ConformanceCheck(string Name, string Description, Func<CheckContext, Task> RunAsync);
