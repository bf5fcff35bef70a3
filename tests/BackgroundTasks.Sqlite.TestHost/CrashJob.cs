using System.Globalization;

namespace BackgroundTasks.Sqlite.TestHost;

/// <summary>
/// The job the crash tests count: it works for a while in steps, reporting each as progress, and half-way writes its
/// side effect (a row with its id, key, attempt and process) into the effects file, committed before it goes on. A
/// kill in the second half leaves a job that has done its work but not finished: recovery must run it again.
/// </summary>
internal sealed class CrashJob(EffectLog effects, HostSettings settings) : IJob<CrashArgs>
{
    /// <summary>The name the job is registered and stored under.</summary>
    public const string Name = "crash-job";

    public async Task RunAsync(CrashArgs args, JobContext context)
    {
        if (settings.Announce)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"started {args.Key} {context.Attempt}"));
        }

        var step = TimeSpan.FromMilliseconds(args.WorkMilliseconds / (double)args.Steps);
        var effectAfter = (args.Steps + 1) / 2;

        // The job's steps of work are paced by a timer (nothing is waited for): each takes one period (under a millisecond: none).
        using var pace = step >= TimeSpan.FromMilliseconds(1) ? new PeriodicTimer(step) : null;
        for (var done = 1; done <= args.Steps; done++)
        {
            if (pace is not null)
            {
                await pace.WaitForNextTickAsync(context.CancellationToken);
            }

            context.ReportItems(done, args.Steps, $"step {done} of {args.Steps}");
            if (done == effectAfter)
            {
                effects.Record(context.Id, args.Key, context.Attempt);
            }
        }
    }
}
