using BackgroundTasks;

namespace WebDashboard.Jobs;

/// <summary>Renders a report page by page, reporting progress and honouring cancellation.</summary>
internal static class ReportJob
{
    public static async Task<string> RunAsync(JobContext ctx, string name, int pages, TimeSpan pageTime)
    {
        ctx.ReportItems(0, pages, "starting");
        for (var page = 1; page <= pages; page++)
        {
            await Task.Delay(pageTime, ctx.CancellationToken); // stands in for a query and a render
            ctx.ReportItems(page, pages, $"page {page} of {pages}");
        }

        return $"{name}.pdf ({pages} pages)";
    }
}
