using BackgroundTasks.Recurring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace BackgroundTasks.Testing;

/// <summary>
/// A started host with background jobs for testing jobs and the code that enqueues them, without sleeps: it
/// runs the jobs on a fake clock, records what was enqueued, waits until the jobs are idle
/// (<see cref="RunUntilIdleAsync"/>), and moves the clock so that delayed jobs, retries and recurring jobs' occurrences
/// run at their due times (<see cref="AdvanceAsync"/>). Jobs run as in production: on the engine's workers, in DI scopes of
/// their own, with the application's registrations.
/// </summary>
public sealed partial class JobsTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly HostActivity _activity;
    private readonly WatchedClock _clock;
    private readonly EnqueueLog _log;
    private readonly TimeSpan _idleTimeout;
    private readonly SchedulerWatch _scheduler;

    private JobsTestHost(IHost host, WatchedClock clock, HostActivity activity, EnqueueLog log, TimeSpan idleTimeout)
    {
        _host = host;
        _clock = clock;
        _activity = activity;
        _log = log;
        _idleTimeout = idleTimeout;
        Time = clock.Fake;
        Services = host.Services;
        Queue = host.Services.GetRequiredService<IJobQueue>();
        Monitor = host.Services.GetRequiredService<IJobMonitor>();
        _scheduler = new SchedulerWatch(host.Services.GetService<RecurringScheduler>());
    }

    /// <summary>Gets the host's services, for example the application's own services that jobs use.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets the job queue; what is enqueued through it (also by jobs and by the application's services) is recorded in <see cref="Enqueued"/>.</summary>
    public IJobQueue Queue { get; }

    /// <summary>Gets the monitor, to read a job's record (<see cref="IJobMonitor.GetAsync"/>) or query the store.</summary>
    public IJobMonitor Monitor { get; }

    /// <summary>
    /// Gets the fake clock the host's <see cref="TimeProvider"/> reads (the services get a provider over it that also
    /// tells the host which timers are set). Move it with <see cref="AdvanceAsync"/>, which runs due jobs at their own
    /// due times; change it directly only for a job that waits on the clock while it runs (a timeout, a delay on the
    /// <see cref="TimeProvider"/>).
    /// </summary>
    public FakeTimeProvider Time { get; }

    /// <summary>
    /// Gets every job the store has accepted so far, in order: those enqueued by the test, by the application's
    /// services and by jobs, fan-out children (with their <see cref="JobRecord.ParentId"/>) and retries.
    /// </summary>
    /// <value>A snapshot; it does not change afterwards.</value>
    public IReadOnlyList<EnqueuedJob> Enqueued => _log.Snapshot();

    /// <summary>
    /// Builds and starts a host with background jobs: the services <paramref name="configureServices"/> registers
    /// (the application's own registrations, with <c>AddBackgroundJobs()</c> and its <c>AddJob</c> calls), a
    /// <see cref="TimeProvider"/> on a <see cref="FakeTimeProvider"/> (the one the services register as their
    /// <see cref="TimeProvider"/>, if any; else a new one), and finished jobs kept in the in-memory store however far
    /// the clock moves (unless the services set its retention).
    /// </summary>
    /// <param name="configureServices">Registers the application's services and jobs. <c>AddBackgroundJobs()</c> is called for you if it does not.</param>
    /// <param name="options">The start time, idle timeout and inline mode; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <returns>The started host; dispose it to stop it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configureServices"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="JobsTestHostOptions.IdleTimeout"/> is zero or negative (and not infinite).</exception>
    /// <exception cref="NotSupportedException">The services configure a durable store (<see cref="IDurableJobStore"/>): test jobs on the in-memory store.</exception>
    public static async Task<JobsTestHost> StartAsync(Action<IServiceCollection> configureServices, JobsTestHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        options ??= new JobsTestHostOptions();
        if (options.IdleTimeout <= TimeSpan.Zero && options.IdleTimeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.IdleTimeout, "JobsTestHostOptions.IdleTimeout must be positive, or Timeout.InfiniteTimeSpan.");
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var services = builder.Services;

        // First, so that whatever the application configures wins (and the inline mode's marker is the outermost filter).
        var jobs = services.AddBackgroundJobs().ConfigureInMemoryStore(static store => store.RetentionPeriod = TimeSpan.MaxValue);
        if (options.RunInline)
        {
            jobs.AddJobFilter<InlineJobMarker>();
        }

        configureServices(services);

        var activity = new HostActivity();
        var log = new EnqueueLog();
        var inline = new InlineRuns();
        var clock = TestServices.UseFakeClock(services, options.StartTime, activity);
        TestServices.ObserveStore(services, activity, log);
        TestServices.ObserveQueue(services, log, inline);

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        var testHost = new JobsTestHost(host, clock, activity, log, options.IdleTimeout);
        if (options.RunInline)
        {
            // The jobs only, not the recurring scheduler: an occurrence it enqueues waits for its run, then it sets its timer.
            inline.Attach(token => testHost.SettleAsync(token, withScheduler: false));
        }

        return testHost;
    }

    /// <summary>Gets the jobs of one typed job class enqueued through <see cref="IJobQueue"/>, in order.</summary>
    /// <typeparam name="TJob">The typed job's class.</typeparam>
    /// <returns>A snapshot of those jobs.</returns>
    public IReadOnlyList<EnqueuedJob> EnqueuedOf<TJob>()
        where TJob : class
        => [.. _log.Snapshot().Where(static job => job.JobType == typeof(TJob))];

    /// <summary>
    /// Stops the host: jobs still waiting are recorded cancelled; running jobs get up to
    /// <see cref="JobsTestHostOptions.IdleTimeout"/> (real time) to finish before their tokens fire.
    /// </summary>
    /// <returns>A task that completes when the host has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        using var giveUp = new CancellationTokenSource(_idleTimeout, TimeProvider.System);
        try
        {
            await _host.StopAsync(giveUp.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Gave up on a job that ignores its token; the host is disposed all the same.
        }

        if (_host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
    }
}
