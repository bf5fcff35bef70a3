using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackgroundTasks.Recurring;

/// <summary>
/// Enqueues the occurrences of every recurring job as they come due, on the <see cref="TimeProvider"/>'s timers. Every
/// host runs one; each occurrence is a typed job with the unique key <c>recurring:{name}:{due time in UTC}</c>, so the
/// store lets one host enqueue it and tells the others it is there: no leader, no lock rows. The recurring jobs
/// themselves are kept by the store (<see cref="IRecurringJobStore"/>), so a change on one host holds on all; with a
/// store that does not keep them, by an in-memory store of this host's own.
/// </summary>
internal sealed partial class RecurringScheduler : BackgroundService, IRecurringJobs, IRecurringJobLister
{
    /// <summary>The longest single wait, so that a far occurrence never needs a timer beyond what timers allow.</summary>
    private static readonly TimeSpan s_maxWait = TimeSpan.FromDays(1);

    private readonly JobEngine _engine;
    private readonly IRecurringJobStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IServiceProviderIsService? _services;
    private readonly List<RecurringJobDefinition> _definitions;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, RecurringSchedule> _schedules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _running;
    private DateTimeOffset? _waitingUntil;

    public RecurringScheduler(JobEngine engine, TimeProvider time, IEnumerable<RecurringJobDefinition> definitions, ILogger<RecurringScheduler>? logger = null, IServiceProviderIsService? services = null)
    {
        _engine = engine;
        _store = engine.Records.Store as IRecurringJobStore ?? new InMemoryJobStore();
        _services = services;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _definitions = [.. definitions];
    }

    public async ValueTask AddOrUpdateAsync<TJob, TArgs>(string name, string cron, TArgs args, TimeZoneInfo? timeZone = null, RecurringJobOptions? options = null, CancellationToken cancellationToken = default)
        where TJob : class
    {
        var definition = RecurringJobDefinition.Create<TJob, TArgs>(name, cron, args, timeZone, options);
        ThrowIfNotRegistered(definition);
        var record = definition.ToRecord(_engine);
        await _store.SaveRecurringJobAsync(record, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _schedules.TryGetValue(name, out var old);
            ApplyLocked(old is null ? record : record with { IsPaused = old.IsPaused, LastRun = old.LastRun, LastRunJobId = old.LastRunJobId }, _time.GetUtcNow());
            SignalLocked();
        }
    }

    public async ValueTask<bool> RemoveAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var removed = await _store.RemoveRecurringJobAsync(name, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _schedules.Remove(name);
            SignalLocked();
        }

        return removed;
    }

    public ValueTask<bool> PauseAsync(string name, CancellationToken cancellationToken = default) => SetPausedAsync(name, paused: true, cancellationToken);

    public ValueTask<bool> UnpauseAsync(string name, CancellationToken cancellationToken = default) => SetPausedAsync(name, paused: false, cancellationToken);

    public async ValueTask<JobId> TriggerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var record = await FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No recurring job is named '{name}'. Add it with AddRecurringJob or IRecurringJobs.AddOrUpdateAsync.");
        var schedule = new RecurringSchedule(record, _engine.IsRegistered(record.JobName));
        return await _engine.EnqueueByNameAsync(record.JobName, record.Arguments, schedule.JobOptionsFor(due: null), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the recurring jobs, read again from the store first (so that other hosts' changes show at once).</summary>
    public async ValueTask<IReadOnlyList<RecurringJobInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await SyncAsync(force: true, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return [.. _schedules.Values.Select(s => s.ToInfo(now))];
        }
    }

    /// <summary>
    /// Gets the time the scheduler's timer is due while it waits for it, every occurrence up to then dealt with;
    /// <see langword="null"/> while it works (it woke, or a schedule changed). Set just before the timer, so that a
    /// reader who also sees the timer set on the clock may move the clock (JobsTestHost does).
    /// </summary>
    internal DateTimeOffset? WaitingUntil
    {
        get
        {
            lock (_gate)
            {
                return _waitingUntil;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await StartSchedulesAsync(stoppingToken).ConfigureAwait(false);
        var watching = WatchStoreAsync(stoppingToken);
        try
        {
            await RunSchedulesAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunSchedulesAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            await EnqueueDueAsync(_time.GetUtcNow(), stoppingToken).ConfigureAwait(false);

            // The wait is measured from a reading just before the timer is set, so that the time the enqueues took
            // does not delay the next occurrence.
            var next = NextDue();
            var from = _time.GetUtcNow();
            var delay = next is { } at ? at - from : s_maxWait;
            delay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > s_maxWait ? s_maxWait : delay;
            var due = new DueSignal();
            lock (_gate)
            {
                _waitingUntil = changed == _changed.Task ? from + delay : null;
            }

            using var timer = _time.CreateTimer(DueSignal.Fire, due, delay, Timeout.InfiniteTimeSpan);
            await Task.WhenAny(due.Task, changed).WaitAsync(stoppingToken).ConfigureAwait(false);
            lock (_gate)
            {
                _waitingUntil = null;
            }
        }
    }

    private async Task EnqueueDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var work = new List<(RecurringSchedule Schedule, DateTimeOffset Due, int Count)>();
        lock (_gate)
        {
            foreach (var schedule in _schedules.Values.Where(static s => s.IsActive))
            {
                if (schedule.DueAt(now) is ({ } due, var count))
                {
                    work.Add((schedule, due, count));
                    schedule.Cursor = due;
                }
            }
        }

        foreach (var (schedule, due, count) in work)
        {
            if (count > 1)
            {
                _logger.OccurrencesMissed(schedule.Name, count, due);
            }

            try
            {
                var record = schedule.Record;
                var result = await _engine.EnqueueUniqueByNameAsync(record.JobName, record.Arguments, schedule.JobOptionsFor(due), cancellationToken).ConfigureAwait(false);
                if (result.IsDuplicate)
                {
                    _logger.OccurrenceFound(schedule.Name, due, result.Id);
                }
                else
                {
                    _logger.OccurrenceEnqueued(schedule.Name, due, result.Id);
                    await _store.RecordRecurringRunAsync(schedule.Name, due, result.Id, cancellationToken).ConfigureAwait(false);
                }

                lock (_gate)
                {
                    if (schedule.LastRun is not { } last || last < due)
                    {
                        (schedule.LastRun, schedule.LastRunJobId) = (due, result.Id);
                    }
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The occurrence is left to the other hosts; this one goes on with the next.
                _logger.OccurrenceFailed(exception, schedule.Name, due);
            }
        }
    }

    private DateTimeOffset? NextDue()
    {
        lock (_gate)
        {
            DateTimeOffset? earliest = null;
            foreach (var schedule in _schedules.Values.Where(static s => s.IsActive))
            {
                if (schedule.NextAfter(schedule.Cursor) is { } next && (earliest is null || next < earliest))
                {
                    earliest = next;
                }
            }

            return earliest;
        }
    }

    private async ValueTask<bool> SetPausedAsync(string name, bool paused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var found = await _store.PauseRecurringJobAsync(name, paused, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (found && _schedules.TryGetValue(name, out var schedule))
            {
                ApplyLocked(schedule.Record with { IsPaused = paused, LastRun = schedule.LastRun, LastRunJobId = schedule.LastRunJobId }, _time.GetUtcNow());
                SignalLocked();
            }
        }

        return found;
    }

    private void SignalLocked()
    {
        _waitingUntil = null;
        var old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }
}
