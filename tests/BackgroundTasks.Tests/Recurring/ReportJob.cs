using System.Collections.Concurrent;

namespace BackgroundTasks.Tests.Recurring;

public sealed record ReportArgs(string Report);

/// <summary>Every run of <see cref="ReportJob"/>, across the hosts that share it.</summary>
public sealed class ReportRuns
{
    public ConcurrentQueue<(JobId Id, string Report)> Runs { get; } = new();
}

public sealed class ReportJob(ReportRuns runs) : IJob<ReportArgs>
{
    public Task RunAsync(ReportArgs args, JobContext context)
    {
        runs.Runs.Enqueue((context.Id, args.Report));
        return Task.CompletedTask;
    }
}
