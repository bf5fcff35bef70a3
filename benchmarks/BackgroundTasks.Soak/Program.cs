using System.Diagnostics;
using System.Globalization;
using BackgroundTasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Steady load with retention on: enqueue as fast as back-pressure allows, for a number of jobs or a
// time, sampling the working set and the GC heap. Memory must stay flat: finished jobs leave the store.
//
//   dotnet run -c Release --project benchmarks/BackgroundTasks.Soak -- --minutes 10
//   dotnet run -c Release --project benchmarks/BackgroundTasks.Soak -- --jobs 10000000
var minutes = ReadOption(args, "--minutes");
var jobLimit = ReadOption(args, "--jobs");
var sampleSeconds = ReadOption(args, "--sample-seconds") ?? 5;
if (minutes is null && jobLimit is null)
{
    minutes = 10;
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.AddBackgroundJobs(o =>
{
    o.Queues["default"].Capacity = 10_000;
    o.Queues["default"].MaxAttempts = 2;
    o.Queues["default"].Backoff = new RetryBackoff { InitialDelay = TimeSpan.Zero, Jitter = 0 };
})
    .AddQueue("reports", q => q.Workers = 1)
    .ConfigureInMemoryStore(o =>
    {
        o.MaxFinishedJobs = 10_000;
        o.RetentionPeriod = TimeSpan.FromSeconds(30);
    });
using var host = builder.Build();
await host.StartAsync();
var queue = host.Services.GetRequiredService<IJobQueue>();
var store = (InMemoryJobStore)host.Services.GetRequiredService<IJobStore>();

long enqueued = 0;
long completed = 0;
var deadline = minutes is { } m ? Stopwatch.GetTimestamp() + (long)(m * 60 * Stopwatch.Frequency) : long.MaxValue;
var limit = jobLimit ?? double.MaxValue;
var reportOptions = new JobOptions { Queue = "reports", Name = "report" };
var flakyOptions = new JobOptions { Name = "flaky" };

bool KeepGoing() => Stopwatch.GetTimestamp() < deadline && Interlocked.Read(ref enqueued) < limit;

var producers = Enumerable.Range(0, 2).Select(p => Task.Run(async () =>
{
    var n = 0L;
    while (KeepGoing())
    {
        n++;
        Interlocked.Increment(ref enqueued);
        if (n % 1000 == 0)
        {
            // A report job with progress.
            await queue.EnqueueAsync(ctx =>
            {
                for (var i = 1; i <= 100; i++)
                {
                    ctx.ReportItems(i, 100, "rendering");
                }

                Interlocked.Increment(ref completed);
                return Task.CompletedTask;
            }, reportOptions);
        }
        else if (n % 100 == 0)
        {
            // A job that fails once, then succeeds on its retry.
            await queue.EnqueueAsync(ctx =>
            {
                if (ctx.Attempt == 1)
                {
                    throw new InvalidOperationException("transient");
                }

                Interlocked.Increment(ref completed);
                return Task.CompletedTask;
            }, flakyOptions);
        }
        else
        {
            await queue.EnqueueAsync(_ =>
            {
                Interlocked.Increment(ref completed);
                return Task.CompletedTask;
            });
        }
    }
})).ToArray();

var process = Process.GetCurrentProcess();
var samples = new List<(double Seconds, long Done, double Rate, double WorkingSetMb, double HeapMb, int Stored, int Gen2)>();
var clock = Stopwatch.StartNew();
var lastDone = 0L;
var lastSeconds = 0.0;
Console.WriteLine("| elapsed s | jobs done | jobs/s | working set MB | live heap MB | jobs in store | gen2 GCs |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
using var timer = new PeriodicTimer(TimeSpan.FromSeconds(sampleSeconds));
while (!producers.All(p => p.IsCompleted))
{
    await timer.WaitForNextTickAsync();
    Sample();
}

await Task.WhenAll(producers);
while (Interlocked.Read(ref completed) < Interlocked.Read(ref enqueued))
{
    await Task.Yield();
}

Sample();
await host.StopAsync();

// Flat: the second half's peak live heap is no larger than the first half's by more than 25 % (+ 16 MB slack).
var half = samples.Count / 2;
var firstPeak = samples.Take(Math.Max(1, half)).Max(s => s.HeapMb);
var secondPeak = samples.Skip(half).Max(s => s.HeapMb);
var flat = secondPeak <= (firstPeak * 1.25) + 16;
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{completed:N0} jobs in {clock.Elapsed.TotalSeconds:0.0} s ({completed / clock.Elapsed.TotalSeconds:N0} jobs/s); peak live heap first half {firstPeak:0.0} MB, second half {secondPeak:0.0} MB; peak working set {process.PeakWorkingSet64 / 1048576.0:0.0} MB: memory {(flat ? "flat" : "GROWING")}"));
return flat ? 0 : 1;

void Sample()
{
    process.Refresh();
    var seconds = clock.Elapsed.TotalSeconds;
    var done = Interlocked.Read(ref completed);
    var rate = (done - lastDone) / Math.Max(0.001, seconds - lastSeconds);
    lastDone = done;
    lastSeconds = seconds;
    // A full collection per sample measures live memory, not garbage waiting for the next GC.
    var live = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
    var sample = (seconds, done, rate, process.WorkingSet64 / 1048576.0, live, store.Count, GC.CollectionCount(2));
    samples.Add(sample);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {sample.seconds,8:0} | {sample.done,12:N0} | {sample.rate,10:N0} | {sample.Item4,8:0.0} | {sample.Item5,8:0.0} | {sample.Count,8:N0} | {sample.Item7,5} |"));
}

static double? ReadOption(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
}
