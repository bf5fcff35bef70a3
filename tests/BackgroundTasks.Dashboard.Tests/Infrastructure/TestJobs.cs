namespace BackgroundTasks.Dashboard.Tests;

/// <summary>Arguments of <see cref="StepJob"/>: the gate it waits at before each of its steps.</summary>
public sealed record StepArgs(string Gate, int Steps);

/// <summary>Takes one step each time its gate is released, reporting progress; returns a summary.</summary>
public sealed class StepJob(TestSignals signals) : IJob<StepArgs, string>
{
    public const string Name = "steps";

    public async Task<string> RunAsync(StepArgs args, JobContext context)
    {
        context.ReportItems(0, args.Steps, "starting");
        for (var step = 1; step <= args.Steps; step++)
        {
            await signals.WaitAsync(args.Gate, context.CancellationToken);
            context.ReportItems(step, args.Steps, $"step {step} of {args.Steps}");
        }

        return $"{args.Steps} steps done";
    }
}

/// <summary>Arguments of <see cref="FlakyJob"/>: the key a test switches failure on and off with.</summary>
public sealed record FlakyArgs(string Key, string Note);

/// <summary>Fails while its key is failing, succeeds otherwise.</summary>
public sealed class FlakyJob(TestSignals signals) : IJob<FlakyArgs>
{
    public const string Name = "flaky";

    public Task RunAsync(FlakyArgs args, JobContext context)
        => signals.IsFailing(args.Key)
            ? throw new InvalidOperationException($"flaky job {args.Key} failed on purpose")
            : Task.CompletedTask;
}
