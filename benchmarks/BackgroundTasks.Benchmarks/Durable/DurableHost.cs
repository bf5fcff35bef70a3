namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The host that the kill measurement starts and kills (<c>--durable-host kind file [options]</c>, options as
/// <see cref="DurableHostSettings"/> reads them): it starts the contender on <c>file</c>, writes
/// <see cref="ReadyLine"/>, with <c>enqueue</c> enqueues one <see cref="DurableJob.UntilKilled"/> job (which writes
/// <see cref="DurableJobBodies.StartedLine"/> when it starts, on whichever host runs it), and then runs until it
/// is killed.
/// </summary>
public static class DurableHost
{
    /// <summary>The flag of this mode.</summary>
    public const string Flag = "--durable-host";

    /// <summary>The line written once the contender has started.</summary>
    public const string ReadyLine = "host ready";

    /// <summary>Runs the host until the process is killed.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var kind = Enum.Parse<DurableContender>(args[1]);
        var settings = DurableHostSettings.Parse(args.Skip(3));
        var contender = DurableContenders.Create(kind, DurableSettings.DefaultWorkers, settings);
        await contender.StartAsync(args[2]);
        Console.Out.WriteLine(ReadyLine);
        Console.Out.Flush();
        if (settings.Enqueue)
        {
            await contender.EnqueueAsync(DurableJob.UntilKilled);
        }

        // Never stopped by hand: the parent kills the process, which is what this host is for.
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
