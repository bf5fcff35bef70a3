namespace BackgroundTasks;

/// <summary>
/// Runs around every attempt of every job, like ASP.NET Core middleware: set a tenant, open a log scope or a
/// transaction, time the attempt. Register it with <c>AddJobFilter&lt;TFilter&gt;()</c>; filters run in the
/// order they were registered, the first outermost, and each is resolved from the attempt's DI scope
/// (<see cref="JobContext.Services"/>), the scope the job's own services come from.
/// </summary>
public interface IJobFilter
{
    /// <summary>Runs the filter around one attempt.</summary>
    /// <param name="context">The attempt's context.</param>
    /// <param name="runNext">
    /// Runs the next filter, and finally the job. Not calling it short-circuits the attempt: the job does not
    /// run, and the attempt succeeds unless the filter throws. An exception thrown here fails the attempt as
    /// one thrown by the job does (it is retried if the job has attempts left).
    /// </param>
    /// <returns>A task that completes when the filter is done.</returns>
    ValueTask InvokeAsync(JobContext context, JobFilterDelegate runNext);
}
