namespace ConsoleWorker.Jobs;

/// <summary>What a <see cref="ReportJob"/> renders: stored as JSON with the job, so that a restart can run it again.</summary>
/// <param name="Title">The report's title, shown as the job's label.</param>
/// <param name="Pages">How many pages it has.</param>
/// <param name="PageMilliseconds">How long a page takes.</param>
internal sealed record ReportArgs(string Title, int Pages, int PageMilliseconds);
