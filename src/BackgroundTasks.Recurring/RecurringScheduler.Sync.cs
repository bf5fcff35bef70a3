using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Recurring;

/// <summary>
/// Keeping up with the store: the scheduler asks the store for its recurring jobs' version every
/// <see cref="CheckInterval"/> and reads the list again only when it changed, so that a change made on another host
/// applies here within about a second (a store that learns of changes by notification, like PostgreSQL's, answers the
/// version from memory).
/// </summary>
internal sealed partial class RecurringScheduler
{
    /// <summary>How often the scheduler asks the store whether its recurring jobs changed.</summary>
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private long? _seenVersion;
    private long _checks;

    /// <summary>Gets how many times the scheduler has asked the store whether its recurring jobs changed (tests wait for the next).</summary>
    internal long Checks => Interlocked.Read(ref _checks);

    /// <summary>Reads the recurring jobs from the store when their version changed (or always, when <paramref name="force"/> is set) and applies them.</summary>
    private async Task SyncAsync(bool force, CancellationToken cancellationToken)
    {
        var version = await _store.GetRecurringJobsVersionAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!force && version == _seenVersion)
            {
                return;
            }
        }

        var records = await _store.ListRecurringJobsAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _seenVersion = version;
            var changed = false;
            foreach (var record in records)
            {
                changed |= ApplyLocked(record, now);
            }

            foreach (var gone in _schedules.Keys.Where(name => !records.Any(r => r.Name == name)).ToList())
            {
                changed |= _schedules.Remove(gone);
            }

            if (changed)
            {
                SignalLocked();
            }
        }
    }

    private async Task WatchStoreAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await SyncAsync(force: false, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The next tick asks again; meanwhile the schedules run as this host last knew them.
                _logger.StoreReadFailed(exception);
            }
            finally
            {
                Interlocked.Increment(ref _checks);
            }
        }
    }

    /// <summary>Reads one recurring job from the store.</summary>
    private async ValueTask<RecurringJobRecord?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var records = await _store.ListRecurringJobsAsync(cancellationToken).ConfigureAwait(false);
        return records.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
    }

    /// <summary>
    /// Takes a recurring job as the store (or this host) has it now: a new one starts from now, a changed one keeps where
    /// it got to, an unpaused one skips what passed while it was paused; the later of the two last runs is kept.
    /// </summary>
    /// <returns>Whether what the scheduler runs changed (a new schedule, another definition, pause or unpause).</returns>
    private bool ApplyLocked(RecurringJobRecord record, DateTimeOffset now)
    {
        var registered = _engine.IsRegistered(record.JobName);
        _schedules.TryGetValue(record.Name, out var old);
        if (old is not null && old.SameDefinition(record) && old.CanRun == registered)
        {
            var changed = old.IsPaused != record.IsPaused;
            if (old.IsPaused && !record.IsPaused && old.Started)
            {
                old.Cursor = now;
            }

            old.IsPaused = record.IsPaused;
            TakeLaterRun(old, record.LastRun, record.LastRunJobId);
            return changed;
        }

        var schedule = new RecurringSchedule(record, registered);
        if (old is not null)
        {
            (schedule.Cursor, schedule.Started) = (old.Started && old.IsPaused && !record.IsPaused ? now : old.Cursor, old.Started);
            TakeLaterRun(schedule, old.LastRun, old.LastRunJobId);
        }
        else if (_running)
        {
            (schedule.Cursor, schedule.Started) = (now, true);
        }

        _schedules[record.Name] = schedule;
        if (schedule.Problem is { } problem)
        {
            if (_reported.Add(record.Name))
            {
                _logger.ScheduleNotRun(record.Name, problem);
            }
        }
        else
        {
            _reported.Remove(record.Name);
        }

        return true;
    }

    private static void TakeLaterRun(RecurringSchedule schedule, DateTimeOffset? lastRun, JobId? lastRunJobId)
    {
        if (lastRun is { } run && (schedule.LastRun is not { } last || last < run))
        {
            (schedule.LastRun, schedule.LastRunJobId) = (run, lastRunJobId);
        }
    }
}
