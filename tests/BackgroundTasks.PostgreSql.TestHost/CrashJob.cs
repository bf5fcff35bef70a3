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
                // The job's work takes this long (a timer paces it; nothing is waited for), so that a killed host holds running jobs.
                using var work = new PeriodicTimer(TimeSpan.FromMilliseconds(args.WorkMilliseconds));
                await work.WaitForNextTickAsync(context.CancellationToken);
            }

            return;
        }

        // Runs until its token fires (a cancel by id, or the host stopping): waits on the token itself.
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (context.CancellationToken.Register(() => stopped.TrySetResult()))
        {
            await stopped.Task;
        }

        effects.Write($"stopped {args.Key}");
        context.CancellationToken.ThrowIfCancellationRequested();
    }
}
