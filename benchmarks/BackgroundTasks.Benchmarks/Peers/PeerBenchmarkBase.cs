using BenchmarkDotNet.Attributes;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// What the peer benchmarks share: one contender per benchmark case, started in its target's global setup
/// (BenchmarkDotNet runs every case in a process of its own) and stopped in the global cleanup.
/// </summary>
/// <remarks>
/// Each invocation runs a whole batch of jobs (<c>OperationsPerInvoke</c> = batch size, so results are per
/// job), hence one invocation per iteration.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(PeerConfig))]
[InvocationCount(1)]
[WarmupCount(5)]
[MinIterationCount(10)]
[MaxIterationCount(20)]
public abstract class PeerBenchmarkBase
{
    private IJobSystemContender? _current;

    /// <summary>Gets the running contender.</summary>
    protected IJobSystemContender Current => _current ?? throw new InvalidOperationException("No contender was started.");

    // Every peer benchmark class names its benchmark methods after the contenders, so these setups serve them all.
    [GlobalSetup(Target = "RawChannel")]
    public void SetupRawChannel() => Start(Contender.RawChannel);

    [GlobalSetup(Target = "DocsPattern")]
    public void SetupDocsPattern() => Start(Contender.DocsPattern);

    [GlobalSetup(Target = "Coravel")]
    public void SetupCoravel() => Start(Contender.Coravel);

    [GlobalSetup(Target = "Hangfire")]
    public void SetupHangfire() => Start(Contender.Hangfire);

    [GlobalSetup(Target = "Quartz")]
    public void SetupQuartz() => Start(Contender.Quartz);

    [GlobalSetup(Target = "BackgroundTasksTracked")]
    public void SetupBackgroundTasksTracked() => Start(Contender.BackgroundTasks);

    [GlobalSetup(Target = "BackgroundTasksUserStore")]
    public void SetupBackgroundTasksUserStore() => Start(Contender.BackgroundTasksUserStore);

    /// <summary>Stops the contender.</summary>
    [GlobalCleanup]
    public void StopContender()
    {
        _current?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _current = null;
    }

    /// <summary>Gets the capacity of the bounded queues this benchmark runs with.</summary>
    protected virtual int QueueCapacity => PeerSettings.DefaultCapacity;

    /// <summary>Starts a contender (and warms it up).</summary>
    protected void Start(Contender kind)
    {
        PeerSettings.QueueCapacity = QueueCapacity;
        _current = Contenders.StartAsync(kind).GetAwaiter().GetResult();
    }

    /// <summary>Replaces the contender by a fresh one of the same kind, so that an iteration starts from an empty store.</summary>
    protected void Restart()
    {
        var kind = Current.Kind;
        StopContender();
        Start(kind);
    }

    /// <summary>Enqueues <paramref name="count"/> jobs and waits for the last to complete.</summary>
    protected Task RunAsync(JobBody body, int count) => Current.RunAsync(body, count);
}
