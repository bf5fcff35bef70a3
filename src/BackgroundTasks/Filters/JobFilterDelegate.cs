namespace BackgroundTasks;

/// <summary>Runs the rest of an attempt's filters, and finally the job.</summary>
/// <param name="context">The attempt's context.</param>
/// <returns>A task that completes when the job and the filters after the caller are done.</returns>
public delegate ValueTask JobFilterDelegate(JobContext context);
