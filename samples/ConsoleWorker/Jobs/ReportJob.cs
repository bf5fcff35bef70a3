using BackgroundTasks;

namespace ConsoleWorker.Jobs;

/// <summary>An I/O-bound job: renders a report page by page, reporting progress and honouring cancellation.</summary>
internal static class ReportJob
{
    public static async Task<string> RunAsync(JobContext ctx, int pages, TimeSpan pageTime)
    {
        for (var page = 1; page <= pages; page++)
        {
            await Task.Delay(pageTime, ctx.CancellationToken); // stands in for a query and a render
            ctx.ReportItems(page, pages, $"page {page} of {pages}");
        }

        return $"{pages} pages";
    }
}
