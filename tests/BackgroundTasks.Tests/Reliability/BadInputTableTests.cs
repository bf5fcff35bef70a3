using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Tests.Reliability;

/// <summary>Every public entry point, fed null, empty, out-of-range and inconsistent arguments: each fails at once, saying what to change.</summary>
[CancelAfter(20_000)]
public sealed class BadInputTableTests
{
    private static JobsHost? s_host;

    private static IJobQueue Queue => s_host!.Queue;

    private static IJobMonitor Monitor => s_host!.Monitor;

    [OneTimeSetUp]
    public static async Task StartHost() => s_host = await JobsHost.StartAsync(build: b => b.AddQueue("mail"));

    [OneTimeTearDown]
    public static async Task StopHost() => await s_host!.DisposeAsync();

    public static IEnumerable<TestCaseData> Cases()
    {
        static TestCaseData Case(string name, Func<Task> call, Type exception, string mustSay)
            => new TestCaseData(call, exception, mustSay).SetName(name);

        static Func<Task> Sync(Action action) => () =>
        {
            action();
            return Task.CompletedTask;
        };

        Func<JobContext, Task> noop = _ => Task.CompletedTask;

        // IJobQueue
        yield return Case("EnqueueAsync null job", async () => await Queue.EnqueueAsync((Func<JobContext, Task>)null!), typeof(ArgumentNullException), "job");
        yield return Case("EnqueueAsync<T> null job", async () => await Queue.EnqueueAsync((Func<JobContext, Task<int>>)null!), typeof(ArgumentNullException), "job");
        yield return Case("EnqueueAsync<TService> null job", async () => await Queue.EnqueueAsync((Func<object, JobContext, Task>)null!), typeof(ArgumentNullException), "job");
        yield return Case("TryEnqueue null job", Sync(() => Queue.TryEnqueue(null!, out _)), typeof(ArgumentNullException), "job");
        yield return Case("unknown queue", async () => await Queue.EnqueueAsync(noop, new JobOptions { Queue = "emails" }), typeof(ArgumentException), "AddQueue(\"emails\")");
        yield return Case("empty queue name", async () => await Queue.EnqueueAsync(noop, new JobOptions { Queue = "" }), typeof(ArgumentException), "not a configured queue");
        yield return Case("zero attempts", async () => await Queue.EnqueueAsync(noop, new JobOptions { MaxAttempts = 0 }), typeof(ArgumentException), "at least 1");
        yield return Case("negative attempts", async () => await Queue.EnqueueAsync(noop, new JobOptions { MaxAttempts = -2 }), typeof(ArgumentException), "MaxAttempts is -2");
        yield return Case("zero timeout", async () => await Queue.EnqueueAsync(noop, new JobOptions { Timeout = TimeSpan.Zero }), typeof(ArgumentException), "must be positive");
        yield return Case("negative delay", async () => await Queue.EnqueueAsync(noop, new JobOptions { Delay = TimeSpan.FromTicks(-1) }), typeof(ArgumentException), "must not be negative");
        yield return Case("delay and run-at", async () => await Queue.EnqueueAsync(noop, new JobOptions { Delay = TimeSpan.FromSeconds(1), RunAt = DateTimeOffset.MaxValue }), typeof(ArgumentException), "set only one");
        yield return Case("undefined priority", async () => await Queue.EnqueueAsync(noop, new JobOptions { Priority = (JobPriority)7 }), typeof(ArgumentException), "High, Normal or Low");

        // IJobMonitor
        yield return Case("QueryAsync null", async () => await Monitor.QueryAsync(null!), typeof(ArgumentNullException), "query");
        yield return Case("WaitAsync unknown id", async () => await Monitor.WaitAsync(JobId.NewId()), typeof(KeyNotFoundException), "unknown");
        yield return Case("WaitAsync empty id", async () => await Monitor.WaitAsync(default), typeof(KeyNotFoundException), "unknown");
        yield return Case("WatchAsync unknown id", async () =>
        {
            await foreach (var _ in Monitor.WatchAsync(JobId.NewId()))
            {
            }
        }, typeof(KeyNotFoundException), "unknown");

        // Values
        yield return Case("JobQuery negative skip", Sync(() => _ = new JobQuery { Skip = -1 }), typeof(ArgumentOutOfRangeException), "Skip");
        yield return Case("JobQuery take zero", Sync(() => _ = new JobQuery { Take = 0 }), typeof(ArgumentOutOfRangeException), "from 1 to 10,000");
        yield return Case("JobQuery.Matches null", Sync(() => new JobQuery().Matches(null!)), typeof(ArgumentNullException), "record");
        yield return Case("JobId.Parse null", Sync(() => JobId.Parse(null!)), typeof(ArgumentNullException), "text");
        yield return Case("JobId.Parse garbage", Sync(() => JobId.Parse("job-1")), typeof(FormatException), "32 hexadecimal digits");
        yield return Case("RetryBackoff negative delay", Sync(() => _ = new RetryBackoff { InitialDelay = TimeSpan.FromSeconds(-1) }), typeof(ArgumentOutOfRangeException), "InitialDelay");
        yield return Case("RetryBackoff multiplier below 1", Sync(() => _ = new RetryBackoff { Multiplier = 0.9 }), typeof(ArgumentOutOfRangeException), "at least 1");
        yield return Case("RetryBackoff jitter above 1", Sync(() => _ = new RetryBackoff { Jitter = 2 }), typeof(ArgumentOutOfRangeException), "from 0 (off) to 1");
        yield return Case("RetryBackoff.GetDelay attempt 0", Sync(() => RetryBackoff.Default.GetDelay(0, 0)), typeof(ArgumentOutOfRangeException), "failedAttempt");
        yield return Case("JobError empty type", Sync(() => _ = new JobError("", "m", null)), typeof(ArgumentException), "type");
        yield return Case("JobError null message", Sync(() => _ = new JobError("T", null!, null)), typeof(ArgumentNullException), "message");
        yield return Case("JobError.FromException null", Sync(() => JobError.FromException(null!)), typeof(ArgumentNullException), "exception");

        // Stores
        yield return Case("InMemoryJobStore null options", Sync(() => _ = new InMemoryJobStore(null!, TimeProvider.System)), typeof(ArgumentNullException), "options");
        yield return Case("InMemoryJobStore null clock", Sync(() => _ = new InMemoryJobStore(new InMemoryJobStoreOptions(), null!)), typeof(ArgumentNullException), "timeProvider");
        yield return Case("InMemoryJobStore negative retention", Sync(() => _ = new InMemoryJobStore(new InMemoryJobStoreOptions { RetentionPeriod = TimeSpan.FromHours(-1) }, new FakeTimeProvider())), typeof(ArgumentOutOfRangeException), "RetentionPeriod");
        yield return Case("InMemoryJobStore.AddAsync null", async () => await new InMemoryJobStore().AddAsync(null!), typeof(ArgumentNullException), "job");
        yield return Case("InMemoryJobStore.AddAsync running job", async () => await new InMemoryJobStore().AddAsync(new JobRecord { Id = JobId.NewId(), Queue = "q", Status = JobStatus.Running }), typeof(ArgumentException), "Queued or Scheduled");
        yield return Case("InMemoryJobStore.AddAsync duplicate", async () =>
        {
            var store = new InMemoryJobStore();
            var record = new JobRecord { Id = JobId.NewId(), Queue = "q", Status = JobStatus.Queued };
            await store.AddAsync(record);
            await store.AddAsync(record);
        }, typeof(ArgumentException), "already recorded");
        yield return Case("InMemoryJobStore.QueryAsync null", async () => await new InMemoryJobStore().QueryAsync(null!), typeof(ArgumentNullException), "query");

        // Partitioner
        yield return Case("ParallelWork.For null body", Sync(() => ParallelWork.For(0, 10, null!)), typeof(ArgumentNullException), "body");
        yield return Case("ParallelWork.For reversed range", Sync(() => ParallelWork.For(10, 0, _ => { })), typeof(ArgumentOutOfRangeException), "toExclusive");
        yield return Case("ParallelWork.ForEach null source", Sync(() => ParallelWork.ForEach((IEnumerable<int>)null!, _ => { })), typeof(ArgumentNullException), "source");
        yield return Case("ParallelWork.Aggregate null combine", Sync(() => ParallelWork.Aggregate(0, 10, () => 0, (i, s) => s + i, null!)), typeof(ArgumentNullException), "combine");
        yield return Case("ParallelWork.ForEachAsync null body", async () => await ParallelWork.ForEachAsync(new[] { 1 }, null!), typeof(ArgumentNullException), "body");
        yield return Case("PartitionOptions degree zero", Sync(() => _ = new PartitionOptions { MaxDegreeOfParallelism = 0 }), typeof(ArgumentOutOfRangeException), "MaxDegreeOfParallelism must be -1");
        yield return Case("PartitionOptions negative chunk", Sync(() => _ = new PartitionOptions { MinChunkSize = -1 }), typeof(ArgumentOutOfRangeException), "MinChunkSize");

        // Registration
        yield return Case("AddBackgroundJobs null services", Sync(() => BackgroundJobsServiceCollectionExtensions.AddBackgroundJobs(null!)), typeof(ArgumentNullException), "services");
        yield return Case("AddQueue null name", Sync(() => new ServiceCollection().AddBackgroundJobs().AddQueue(null!)), typeof(ArgumentNullException), "name");
        yield return Case("AddQueue blank name", Sync(() => new ServiceCollection().AddBackgroundJobs().AddQueue("  ")), typeof(ArgumentException), "name");
        yield return Case("UseStore null factory", Sync(() => new ServiceCollection().AddBackgroundJobs().UseStore(null!)), typeof(ArgumentNullException), "factory");
        yield return Case("ConfigureInMemoryStore null", Sync(() => new ServiceCollection().AddBackgroundJobs().ConfigureInMemoryStore(null!)), typeof(ArgumentNullException), "configure");
    }

    [TestCaseSource(nameof(Cases))]
    public void EntryPoint_BadArgument_FailsAtOnceSayingWhatToChange(Func<Task> call, Type exception, string mustSay)
    {
        var thrown = Assert.CatchAsync(async () => await call());

        Assert.That(thrown, Is.InstanceOf(exception), thrown!.ToString());
        var said = thrown is ArgumentException { ParamName: { } param } ? $"{param}: {thrown.Message}" : thrown.Message;
        Assert.That(said, Does.Contain(mustSay));
    }

    [Test]
    public async Task ContextReports_BadArguments_FailSayingWhatToChange(CancellationToken ct)
    {
        var failures = new List<Exception?>();
        var id = await Queue.EnqueueAsync(ctx =>
        {
            foreach (var report in new Action[]
            {
                () => ctx.ReportProgress(-0.1),
                () => ctx.ReportProgress(double.PositiveInfinity),
                () => ctx.ReportItems(-1, 10),
                () => ctx.ReportItems(3, -1),
                () => ctx.ReportItems(11, 10),
                () => ctx.ReportProgress(new JobProgress(50, null, 5, 4)),
                () => ((IProgress<double>)ctx).Report(101),
            })
            {
                try
                {
                    report();
                    failures.Add(null);
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            }

            return Task.CompletedTask;
        }, cancellationToken: ct);
        await Monitor.WaitAsync(id, ct);

        Assert.That(failures, Has.Count.EqualTo(7));
        Assert.That(failures, Is.All.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(failures.Select(f => f!.Message), Is.All.Contains("must"));
    }
}
