namespace BackgroundTasks;

/// <summary>Which ends of the job named by <see cref="JobOptions.ContinueAfter"/> let a continuation run.</summary>
public enum JobContinuation
{
    /// <summary>Runs only if that job succeeded; if it failed or was cancelled, the continuation is recorded <see cref="JobStatus.Cancelled"/> without running.</summary>
    Succeeded = 0,

    /// <summary>Runs when that job ends, whether it succeeded, failed or was cancelled.</summary>
    Finished = 1,
}
