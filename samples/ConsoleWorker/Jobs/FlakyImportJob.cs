using BackgroundTasks;

namespace ConsoleWorker.Jobs;

/// <summary>A job whose dependency fails on the first attempts: the queue retries it with back-off.</summary>
internal static class FlakyImportJob
{
    public static async Task<string> RunAsync(JobContext ctx, int failingAttempts, int rows)
    {
        for (var row = 1; row <= rows; row++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(15), ctx.CancellationToken);
            ctx.ReportItems(row, rows, $"attempt {ctx.Attempt}: row {row} of {rows}");
            if (ctx.Attempt <= failingAttempts && row == rows / 2)
            {
                throw new IOException($"The supplier API closed the connection (attempt {ctx.Attempt}).");
            }
        }

        return $"{rows} rows";
    }
}
