namespace BackgroundTasks.PostgreSql.TestHost;

/// <summary>Writes "started {key} {attempt}" when it starts; a blocking one runs until its token fires and then writes "stopped {key}".</summary>
internal sealed class CrashJob(EffectLog effects) : IJob<CrashArgs>
{
    public const string Name = "crash";

    public const string Queue = "work";

    public async Task RunAsync(CrashArgs args, JobContext context)
    {
        effects.Write($"started {args.Key} {context.Attempt}");
        if (!args.Block)
        {
            if (args.WorkMilliseconds > 0)
            {
                await Task.Delay(args.WorkMilliseconds, context.CancellationToken);
            }

            return;
        }

        try
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            effects.Write($"stopped {args.Key}");
            throw;
        }
    }
}
