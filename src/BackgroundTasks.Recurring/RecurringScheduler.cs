using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackgroundTasks.Recurring;

/// <summary>
/// Enqueues the occurrences of every schedule as they come due, on the <see cref="TimeProvider"/>'s timers. Every host
/// runs one; each occurrence is a typed job with the unique key <c>recurring:{name}:{due time in UTC}</c>, so the store
/// lets one host enqueue it and tells the others it is there: no leader, no lock rows.
/// </summary>
internal sealed partial class RecurringScheduler : BackgroundService, IRecurringJobs
{
    /// <summary>The longest single wait, so that a far occurrence never needs a timer beyond what timers allow.</summary>
    private static readonly TimeSpan s_maxWait = TimeSpan.FromDays(1);

    private readonly IJobQueue _queue;
    private readonly IJobMonitor _monitor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IServiceProviderIsService? _services;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, RecurringSchedule> _schedules = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _running;
    private DateTimeOffset? _waitingUntil;

    public RecurringScheduler(IJobQueue queue, IJobMonitor monitor, TimeProvider time, IEnumerable<RecurringSchedule> schedules, ILogger<RecurringScheduler>? logger = null, IServiceProviderIsService? services = null)
    {
        _queue = queue;
        _services = services;
        _monitor = monitor;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        foreach (var schedule in schedules)
        {
            _schedules[schedule.Name] = schedule;
        }
    }

    public void AddOrUpdate<TJob, TArgs>(string name, string cron, TArgs args, TimeZoneInfo? timeZone = null, RecurringJobOptions? options = null)
        where TJob : class
    {
        var schedule = RecurringSchedule.Create<TJob, TArgs>(name, cron, args, timeZone, options);
        ThrowIfNotRegistered(schedule);
        lock (_gate)
        {
            if (_schedules.TryGetValue(name, out var old))
            {
                (schedule.Cursor, schedule.Started, schedule.LastRun, schedule.LastRunJobId, schedule.IsPaused) = (old.Cursor, old.Started, old.LastRun, old.LastRunJobId, old.IsPaused);
            }
            else if (_running)
            {
                (schedule.Cursor, schedule.Started) = (_time.GetUtcNow(), true);
            }

            _schedules[name] = schedule;
            SignalLocked();
        }
    }

    public bool Remove(string name)
    {
        lock (_gate)
        {
            var removed = _schedules.Remove(name);
            SignalLocked();
            return removed;
        }
    }

    public bool Pause(string name) => Change(name, static (schedule, _) => schedule.IsPaused = true);

    public bool Unpause(string name) => Change(name, static (schedule, now) =>
    {
        if (schedule.IsPaused && schedule.Started)
        {
            schedule.Cursor = now;
        }

        schedule.IsPaused = false;
    });

    public ValueTask<JobId> TriggerAsync(string name, CancellationToken cancellationToken = default)
    {
        RecurringSchedule? schedule;
        lock (_gate)
        {
            _schedules.TryGetValue(name, out schedule);
        }

        return schedule is null
            ? throw new KeyNotFoundException($"No recurring job is named '{name}'. Add it with AddRecurringJob or IRecurringJobs.AddOrUpdate.")
            : schedule.Enqueue(_queue, schedule.JobOptionsFor(due: null), cancellationToken);
    }

    public IReadOnlyList<RecurringJobInfo> GetSchedules()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return [.. _schedules.Values.Select(s => new RecurringJobInfo(
                s.Name,
                s.Cron,
                s.TimeZone,
                s.Options.Misfire,
                s.IsPaused,
                s.IsPaused ? null : s.NextAfter(s.Started ? s.Cursor : now),
                s.LastRun,
                s.LastRunJobId))];
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
            foreach (var schedule in _schedules.Values.Where(static s => !s.IsPaused))
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
                var result = await schedule.EnqueueUnique(_queue, schedule.JobOptionsFor(due), cancellationToken).ConfigureAwait(false);
                if (result.IsDuplicate)
                {
                    _logger.OccurrenceFound(schedule.Name, due, result.Id);
                }
                else
                {
                    _logger.OccurrenceEnqueued(schedule.Name, due, result.Id);
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
            foreach (var schedule in _schedules.Values.Where(static s => !s.IsPaused))
            {
                if (schedule.NextAfter(schedule.Cursor) is { } next && (earliest is null || next < earliest))
                {
                    earliest = next;
                }
            }

            return earliest;
        }
    }

    private bool Change(string name, Action<RecurringSchedule, DateTimeOffset> change)
    {
        lock (_gate)
        {
            if (!_schedules.TryGetValue(name, out var schedule))
            {
                return false;
            }

            change(schedule, _time.GetUtcNow());
            SignalLocked();
            return true;
        }
    }

    private void SignalLocked()
    {
        _waitingUntil = null;
        var old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }
}
