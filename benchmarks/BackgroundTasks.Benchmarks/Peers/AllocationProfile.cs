using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// The <c>--alloc</c> mode: where BackgroundTasks' bytes per job go. It prints the size of each object
/// the hot path creates (measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>), then a
/// by-type breakdown of everything allocated while 200,000 jobs run, sampled from the runtime's
/// AllocationTick events (one event per ~100 KB, attributed to the type that crossed the mark).
/// </summary>
public static class AllocationProfile
{
    private const int Jobs = 200_000;

    /// <summary>Runs the profile for the tracked and the store-less configuration.</summary>
    public static async Task<int> RunAsync()
    {
        PrintObjectSizes();
        foreach (var kind in new[] { Contender.BackgroundTasks, Contender.BackgroundTasksUserStore })
        {
            await PrintBreakdownAsync(kind);
        }

        return 0;
    }

    private static long Measure(Action allocate)
    {
        allocate();
        var before = GC.GetAllocatedBytesForCurrentThread();
        allocate();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void PrintObjectSizes()
    {
        Func<JobContext, Task> body = static _ => Task.CompletedTask;
        var record = new JobRecord { Id = JobId.NewId(), Queue = "default", EnqueuedAt = TimeProvider.System.GetUtcNow() };
        var store = new InMemoryJobStore();
        using var host = PeerHost.Create(static s => s.AddBackgroundJobs());
        var engine = host.Services.GetRequiredService<JobEngine>();
        var settings = engine.Queues.First().Defaults;
        var job = new DelegateJob(JobId.NewId(), settings, body);

        Console.WriteLine("Objects per job, bytes (this runtime, 64-bit)\n\n| Object | Bytes |\n|---|---:|");
        Row("DelegateJob (the live job the engine holds)", Measure(() => _ = new DelegateJob(JobId.NewId(), settings, body)));
        Row("JobContext (one per attempt)", Measure(() => _ = new JobContext(engine, job, CancellationToken.None)));
        Row("InMemoryEntry (the in-memory store's entry)", Measure(() => _ = store.Add(JobId.NewId(), settings, null, JobStatus.Queued, 1, 0)));
        Row("JobRecord (built per job only for stores other than the in-memory one)", Measure(() => _ = record with { }));
        Row("InMemoryJobStore.AddAsync of a record added by others (entry, record excluded)", Measure(() => Complete(store.AddAsync(record with { Id = JobId.NewId() }))) - Measure(() => _ = record with { }));
        Console.WriteLine();
    }

    private static void Complete(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    private static void Row(string what, long bytes) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {bytes} |"));

    private static async Task PrintBreakdownAsync(Contender kind)
    {
        await using var contender = await Contenders.StartAsync(kind);
        using var listener = new AllocationTickListener();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var done = 0; done < Jobs; done += 1_000)
        {
            await contender.RunAsync(JobBody.Counted, 1_000);
        }

        var total = GC.GetTotalAllocatedBytes(precise: true) - before;
        listener.Dispose();
        var sampled = listener.ByType.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind}: {total / (double)Jobs:N0} B/job over {Jobs:N0} jobs; by type (AllocationTick samples, scaled to B/job)\n\n| Type | B/job | Share |\n|---|---:|---:|"));
        foreach (var (type, bytes) in listener.ByType.OrderByDescending(static p => p.Value).Take(15))
        {
            var share = (double)bytes / sampled;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {share * total / Jobs:N0} | {share:P1} |"));
        }

        Console.WriteLine();
    }

    private sealed class AllocationTickListener : EventListener
    {
        public ConcurrentDictionary<string, long> ByType { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is null)
            {
                return;
            }

            var type = eventData.Payload![eventData.PayloadNames.IndexOf("TypeName")] as string ?? "?";
            var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
            var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture) : 100_000;
            ByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
        }
    }
}
