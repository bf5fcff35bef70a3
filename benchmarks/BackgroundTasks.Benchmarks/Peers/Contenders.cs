namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>Creates contenders and knows the batch size that suits each one.</summary>
public static class Contenders
{
    /// <summary>Gets every contender, fastest expected first.</summary>
    public static IReadOnlyList<Contender> All { get; } = Enum.GetValues<Contender>();

    /// <summary>Creates a contender, not started.</summary>
    public static IJobSystemContender Create(Contender kind) => kind switch
    {
        Contender.RawChannel => new RawChannelContender(),
        Contender.DocsPattern => new DocsPatternContender(),
        Contender.Coravel => new CoravelContender(),
        Contender.Hangfire => new HangfireContender(),
        Contender.Quartz => new QuartzContender(),
        Contender.BackgroundTasks => new BackgroundTasksContender(userStore: false),
        Contender.BackgroundTasksUserStore => new BackgroundTasksContender(userStore: true),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown contender."),
    };

    private static readonly HashSet<Contender> s_jitWarm = [];

    /// <summary>Creates and starts a contender.</summary>
    public static async Task<IJobSystemContender> StartAsync(Contender kind)
    {
        var contender = Create(kind);
        await contender.StartAsync();

        // Warm up: JIT the enqueue and run paths and wake every worker once.
        await contender.RunAsync(JobBody.Counted, 200);
        if (s_jitWarm.Add(kind))
        {
            // The first time in a process, run enough jobs, with pauses, for tiered compilation to finish its
            // work on the hot paths (it waits for 100 ms without new methods before it recompiles): a host made
            // afresh for every iteration keeps JIT-compiling host code, so warm-up iterations alone may measure
            // unoptimized code.
            for (var round = 0; round < 5; round++)
            {
                await contender.RunAsync(JobBody.Counted, WarmUpJobs(kind));
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        return contender;
    }

    private static int WarmUpJobs(Contender kind) => kind switch
    {
        Contender.Hangfire => 1_000,
        Contender.Quartz => 5_000,
        Contender.Coravel => 20_000,
        _ => 200_000,
    };

    /// <summary>Runs <paramref name="count"/> jobs end to end: arms the countdown, enqueues them, waits for all.</summary>
    public static async Task RunAsync(this IJobSystemContender contender, JobBody body, int count)
    {
        Countdown.Reset(count);
        for (var i = 0; i < count; i++)
        {
            await contender.EnqueueAsync(body);
        }

        await Countdown.WaitAsync();
    }
}
