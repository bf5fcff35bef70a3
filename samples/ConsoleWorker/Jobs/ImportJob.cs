using BackgroundTasks;

namespace ConsoleWorker.Jobs;

/// <summary>A job whose dependency fails on the first attempts: the queue retries it with back-off.</summary>
internal sealed class ImportJob : IJob<ImportArgs, string>
{
    public async Task<string> RunAsync(ImportArgs args, JobContext context)
    {
        for (var row = 1; row <= args.Rows; row++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(15), context.CancellationToken);
            context.ReportItems(row, args.Rows, $"attempt {context.Attempt}: row {row} of {args.Rows}");
            if (context.Attempt <= args.FailingAttempts && row == args.Rows / 2)
            {
                throw new IOException($"The supplier API closed the connection (attempt {context.Attempt}).");
            }
        }

        return $"{args.Rows} rows";
    }
}
