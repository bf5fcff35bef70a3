using BackgroundTasks;

namespace ConsoleWorker.Jobs;

/// <summary>An I/O-bound job: renders a report page by page, reporting progress and honouring cancellation.</summary>
internal sealed class ReportJob : IJob<ReportArgs, string>
{
    public async Task<string> RunAsync(ReportArgs args, JobContext context)
    {
        for (var page = 1; page <= args.Pages; page++)
        {
            // Stands in for a query and a render.
            await Task.Delay(TimeSpan.FromMilliseconds(args.PageMilliseconds), context.CancellationToken);
            context.ReportItems(page, args.Pages, $"page {page} of {args.Pages}");
        }

        return $"{args.Pages} pages";
    }
}
