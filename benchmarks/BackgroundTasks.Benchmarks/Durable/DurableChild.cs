using System.Diagnostics;
using System.Globalization;
using BackgroundTasks.Benchmarks.Peers;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The measuring child process (<c>--durable-child kind jobs samples pause-ms producers workers folder</c>): one contender,
/// each measurement on a fresh file in <c>folder</c>, results on one line that starts with <see cref="ResultPrefix"/>.
/// One process per contender, so that no contender's threads, pools or JIT work disturb another's numbers.
/// </summary>
public static class DurableChild
{
    /// <summary>The flag of this mode.</summary>
    public const string Flag = "--durable-child";

    /// <summary>
    /// The start of the result line: jobs/s, p50 and p99 in µs (NaN for the ceilings), bytes of the end-to-end file,
    /// bytes of a file on which the contender started and stopped with no job.
    /// </summary>
    public const string ResultPrefix = "RESULT";

    /// <summary>Runs the child's measurements and prints the result line.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var kind = Enum.Parse<DurableContender>(args[1]);
        int Arg(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        var (jobs, samples, pauseMs, producers, workers, folder) = (Arg(2), Arg(3), Arg(4), Arg(5), Arg(6), args[7]);

        double jobsPerSecond;
        long bytes, emptyBytes;
        var latency = new double[] { double.NaN, double.NaN };
        if (!DurableContenders.IsJobSystem(kind))
        {
            var empty = Path.Combine(folder, "empty.db");
            await CeilingLoop.RunAsync(kind, empty, 0);
            emptyBytes = SqliteFiles.CheckpointedSize(empty);
            await CeilingLoop.RunAsync(kind, Path.Combine(folder, "warm-up.db"), Math.Max(CeilingLoop.Batch, jobs / 4));
            var file = Path.Combine(folder, "throughput.db");
            jobsPerSecond = jobs / (await CeilingLoop.RunAsync(kind, file, jobs)).TotalSeconds;
            bytes = SqliteFiles.CheckpointedSize(file);
        }
        else
        {
            var empty = Path.Combine(folder, "empty.db");
            await WarmUpAsync(kind, workers, empty, 0);
            emptyBytes = SqliteFiles.CheckpointedSize(empty);
            await WarmUpAsync(kind, workers, Path.Combine(folder, "warm-up.db"), Math.Max(1, Math.Min(200, jobs / 10)));

            // The same run as the measured one, a quarter of its size, on a file of its own: the measured run then starts
            // on the code the runtime has optimised (tiered compilation), as a long-running host does.
            await ThroughputAsync(kind, workers, Path.Combine(folder, "warm-up-throughput.db"), Math.Max(1, jobs / 4), producers);
            var file = Path.Combine(folder, "throughput.db");
            jobsPerSecond = jobs / (await ThroughputAsync(kind, workers, file, jobs, producers)).TotalSeconds;
            bytes = SqliteFiles.CheckpointedSize(file);
            if (kind != DurableContender.BackgroundTasksBulk)
            {
                latency = await LatencyAsync(kind, workers, Path.Combine(folder, "latency.db"), samples, pauseMs);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ResultPrefix} {jobsPerSecond:R} {latency[0]:R} {latency[1]:R} {bytes} {emptyBytes}"));
        return 0;
    }

    /// <summary>Starts the contender on <paramref name="file"/>, runs <paramref name="jobs"/> no-op jobs one at a time (none: just the schema), stops it.</summary>
    private static async Task WarmUpAsync(DurableContender kind, int workers, string file, int jobs)
    {
        await using var contender = DurableContenders.Create(kind, workers);
        await contender.StartAsync(file);
        if (jobs > 0)
        {
            Countdown.Reset(jobs);
            for (var i = 0; i < jobs; i++)
            {
                await contender.EnqueueAsync(DurableJob.NoOp);
            }

            await Countdown.WaitAsync();
        }

        await contender.StopAsync();
    }

    /// <summary>Enqueues <paramref name="jobs"/> no-op jobs from <paramref name="producers"/> threads and waits until every one has run.</summary>
    private static async Task<TimeSpan> ThroughputAsync(DurableContender kind, int workers, string file, int jobs, int producers)
    {
        await using var contender = DurableContenders.Create(kind, workers);
        await contender.StartAsync(file);
        Countdown.Reset(jobs);
        var started = Stopwatch.GetTimestamp();
        var enqueued = new Task[producers];
        for (var p = 0; p < producers; p++)
        {
            var share = (jobs / producers) + (p < jobs % producers ? 1 : 0);
            enqueued[p] = kind == DurableContender.BackgroundTasksBulk
                ? ProduceInBatches((BackgroundTasksSqliteContender)contender, share)
                : Produce(contender, share);
        }

        await Task.WhenAll(enqueued);
        await Countdown.WaitAsync();
        var elapsed = Stopwatch.GetElapsedTime(started);
        await contender.StopAsync();
        return elapsed;
    }

    /// <summary>
    /// Enqueues on a thread of its own, one job at a time, as a request thread would: some of the peers' enqueue
    /// calls block, and blocked thread-pool threads would starve the workers.
    /// </summary>
    private static Task Produce(IDurableContender contender, int jobs)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                for (var i = 0; i < jobs; i++)
                {
                    var enqueue = contender.EnqueueAsync(DurableJob.NoOp);
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
        return done.Task;
    }

    /// <summary>Enqueues <paramref name="jobs"/> no-op jobs in calls of <see cref="CeilingLoop.Batch"/>, one call at a time.</summary>
    private static async Task ProduceInBatches(BackgroundTasksSqliteContender contender, int jobs)
    {
        for (var done = 0; done < jobs; done += CeilingLoop.Batch)
        {
            await contender.EnqueueManyAsync(Math.Min(CeilingLoop.Batch, jobs - done));
        }
    }

    /// <summary>Enqueues probes one at a time, each after a pause, and returns p50 and p99 of enqueue-call-to-start in µs.</summary>
    private static async Task<double[]> LatencyAsync(DurableContender kind, int workers, string file, int samples, int pauseMs)
    {
        await using var contender = DurableContenders.Create(kind, workers);
        await contender.StartAsync(file);
        await ProbeAsync(contender, Math.Min(20, samples), pauseMs);
        var measured = await ProbeAsync(contender, samples, pauseMs);
        await contender.StopAsync();
        Array.Sort(measured);
        return [Percentile(measured, 0.50), Percentile(measured, 0.99)];
    }

    private static async Task<double[]> ProbeAsync(IDurableContender contender, int count, int pauseMs)
    {
        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            // A pause, not a wait for something: the workers go idle before each probe.
            await Task.Delay(pauseMs);
            Countdown.Reset(1);
            var enqueuedAt = Stopwatch.GetTimestamp();
            await contender.EnqueueAsync(DurableJob.Probe);
            await Countdown.WaitAsync();
            samples[i] = Stopwatch.GetElapsedTime(enqueuedAt, JobBodies.ProbeStartedAt).TotalMicroseconds;
        }

        return samples;
    }

    private static double Percentile(double[] sorted, double p)
        => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
