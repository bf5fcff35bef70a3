using BackgroundTasks;

namespace ConsoleWorker.Display;

/// <summary>Shows jobs while they run and a summary once they have all ended.</summary>
internal interface IJobView
{
    /// <summary>Runs <paramref name="body"/> while the view is live.</summary>
    Task RunAsync(Func<Task> body);

    /// <summary>Shows the latest snapshot of a job. Called from many threads.</summary>
    void Show(JobRecord record);

    /// <summary>Shows a line of news, such as a shutdown starting.</summary>
    void Note(string text);

    /// <summary>Prints every job's final state, one row per job.</summary>
    void Summary(IReadOnlyList<JobOutcome> outcomes);
}
