namespace BackgroundTasks;

/// <summary>How far along a job is: a percentage, an optional message and optional item counts.</summary>
/// <param name="Percent">From 0 to 100.</param>
/// <param name="Message">What the job is doing, if it said.</param>
/// <param name="ItemsDone">How many items are done, when the job counts items.</param>
/// <param name="ItemsTotal">How many items there are in all, when the job knows.</param>
public readonly record struct JobProgress(double Percent, string? Message = null, long? ItemsDone = null, long? ItemsTotal = null);
