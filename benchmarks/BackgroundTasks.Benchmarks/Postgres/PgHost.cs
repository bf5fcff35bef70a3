using System.Diagnostics;
using System.Globalization;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// A host process of the PostgreSQL benchmarks (<c>--postgres-host kind connection-string [host=NAME] [producers=N] [work-ms=N]</c>):
/// it starts the contender on the database, writes <see cref="ReadyLine"/>, and then does what the parent writes to
/// its standard input, one command per line (<see cref="PgHostCommand"/>). Meanwhile it writes
/// <c>ran COUNT TIMESTAMP</c> whenever the number of no-op jobs it has run changed, so that the parent can add up
/// what several hosts on one database ran. It exits after <see cref="PgHostCommand.Stop"/>, or when the parent kills it.
/// </summary>
public static class PgHost
{
    /// <summary>The flag of this mode.</summary>
    public const string Flag = "--postgres-host";

    /// <summary>The line written once the contender has started.</summary>
    public const string ReadyLine = "host ready";

    /// <summary>The start of a progress line: the no-op jobs this process ran, and the timestamp of the latest one.</summary>
    public const string RanPrefix = "ran ";

    /// <summary>The start of the answer to a probe command: p50 and p99 of enqueue-to-start, in µs.</summary>
    public const string LatencyPrefix = "latency ";

    /// <summary>The line written once the contender has stopped.</summary>
    public const string StoppedLine = "host stopped";

    private static readonly TimeSpan s_reportEvery = TimeSpan.FromMilliseconds(10);

    /// <summary>Runs the host until it is told to stop or is killed.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var kind = Enum.Parse<PgContender>(args[1]);
        var settings = PgHostSettings.Parse(args.Skip(3));
        PgJobBodies.WorkMilliseconds = settings.WorkMilliseconds;
        await using var contender = PgContenders.Create(kind, settings.HostName);
        await contender.StartAsync(args[2]);
        using var stop = new CancellationTokenSource();
        var reporter = ReportAsync(stop.Token);
        Write(ReadyLine);
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var command = PgHostCommand.Parse(line);
            switch (command.Verb)
            {
                case PgHostCommand.Run:
                    await ProduceAsync(contender, command.Count, settings.Producers);
                    break;
                case PgHostCommand.Probe:
                    var (p50, p99) = await ProbeAsync(contender, command.Count, command.Milliseconds);
                    Write(string.Create(CultureInfo.InvariantCulture, $"{LatencyPrefix}{p50:R} {p99:R}"));
                    break;
                case PgHostCommand.UntilKilled:
                    await contender.EnqueueAsync(PgJob.UntilKilled);
                    break;
                default:
                    await stop.CancelAsync();
                    await reporter;
                    await contender.StopAsync();
                    Write(StoppedLine);
                    return 0;
            }
        }

        return 0;
    }

    private static async Task ReportAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_reportEvery);
        long reported = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var ran = PgJobBodies.Ran;
                if (ran != reported)
                {
                    reported = ran;
                    Write(string.Create(CultureInfo.InvariantCulture, $"{RanPrefix}{ran} {PgJobBodies.LastRanAt}"));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Enqueues <paramref name="jobs"/> no-op jobs from <paramref name="producers"/> threads of their own, one job at a
    /// time each, as request threads would: some of the peers' enqueue calls block, and blocked thread-pool threads
    /// would starve the workers.
    /// </summary>
    private static Task ProduceAsync(IPgContender contender, int jobs, int producers)
    {
        var enqueued = new Task[producers];
        for (var p = 0; p < producers; p++)
        {
            var share = (jobs / producers) + (p < jobs % producers ? 1 : 0);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    for (var i = 0; i < share; i++)
                    {
                        var enqueue = contender.EnqueueAsync(PgJob.NoOp);
                        if (!enqueue.IsCompletedSuccessfully)
                        {
                            enqueue.AsTask().GetAwaiter().GetResult();
                        }
                    }

                    done.SetResult();
                }
                catch (Exception exception)
                {
                    done.SetException(exception);
                }
            })
            { IsBackground = true, Name = "producer" };
            thread.Start();
            enqueued[p] = done.Task;
        }

        return Task.WhenAll(enqueued);
    }

    /// <summary>Enqueues probes one at a time, each after a pause (20 unrecorded first), and returns p50 and p99 of enqueue-call-to-start in µs.</summary>
    private static async Task<(double P50, double P99)> ProbeAsync(IPgContender contender, int samples, int pauseMs)
    {
        await ProbeSamplesAsync(contender, Math.Min(20, samples), pauseMs);
        var measured = await ProbeSamplesAsync(contender, samples, pauseMs);
        Array.Sort(measured);
        return (Percentile(measured, 0.50), Percentile(measured, 0.99));
    }

    private static async Task<double[]> ProbeSamplesAsync(IPgContender contender, int count, int pauseMs)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            // A pause, not a wait for something: the workers go idle before each probe.
            await Task.Delay(pauseMs);
            var started = PgJobBodies.ArmProbe();
            var enqueuedAt = Stopwatch.GetTimestamp();
            await contender.EnqueueAsync(PgJob.Probe);
            samples[i] = Stopwatch.GetElapsedTime(enqueuedAt, await started.WaitAsync(TimeSpan.FromMinutes(1))).TotalMicroseconds;
        }

        return samples;
    }

    private static double Percentile(double[] sorted, double p)
        => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static void Write(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
