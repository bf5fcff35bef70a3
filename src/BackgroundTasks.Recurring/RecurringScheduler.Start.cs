using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Recurring;

/// <summary>Start-up: every schedule's job is registered, and each schedule starts from now or, to run missed occurrences once, from its last run in the store.</summary>
internal sealed partial class RecurringScheduler
{
    /// <summary>How many of the store's newest jobs are searched for a schedule's last run.</summary>
    private const int LastRunSearch = 10_000;

    /// <summary>Checks that every schedule's job is registered before the first occurrence could fail on it.</summary>
    /// <exception cref="InvalidOperationException">A schedule's job class was not registered with <c>AddJob</c>.</exception>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var schedule in _schedules.Values)
            {
                ThrowIfNotRegistered(schedule);
            }
        }

        return base.StartAsync(cancellationToken);
    }

    /// <summary>Sets where each schedule starts: now, or (to run missed occurrences once) its last run, read back from the store.</summary>
    private async Task StartSchedulesAsync(CancellationToken cancellationToken)
    {
        List<RecurringSchedule> catchingUp;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _running = true;
            foreach (var schedule in _schedules.Values.Where(static s => !s.Started))
            {
                (schedule.Cursor, schedule.Started) = (now, true);
            }

            catchingUp = [.. _schedules.Values.Where(static s => s.Options.Misfire == MisfirePolicy.RunOnce)];
        }

        foreach (var schedule in catchingUp)
        {
            (DateTimeOffset Due, JobId Id)? lastRun;
            try
            {
                lastRun = await FindLastRunAsync(schedule, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                _logger.LastRunUnknown(exception, schedule.Name);
                continue;
            }

            lock (_gate)
            {
                if (lastRun is { } last && last.Due < schedule.Cursor)
                {
                    schedule.Cursor = last.Due;
                    if (schedule.LastRun is null)
                    {
                        (schedule.LastRun, schedule.LastRunJobId) = (last.Due, last.Id);
                    }
                }
            }
        }
    }

    /// <summary>Finds the newest job of the schedule among the store's newest jobs; the time in its key is the last run.</summary>
    private async Task<(DateTimeOffset Due, JobId Id)?> FindLastRunAsync(RecurringSchedule schedule, CancellationToken cancellationToken)
    {
        const int Page = 1_000;
        for (var skip = 0; skip < LastRunSearch; skip += Page)
        {
            var records = await _monitor.QueryAsync(new JobQuery { Skip = skip, Take = Page }, cancellationToken).ConfigureAwait(false);
            foreach (var record in records)
            {
                if (schedule.OccurrenceOf(record.UniqueKey) is { } due)
                {
                    return (due, record.Id);
                }
            }

            if (records.Count < Page)
            {
                break;
            }
        }

        return null;
    }

    private void ThrowIfNotRegistered(RecurringSchedule schedule)
    {
        // AddJob registers the job's class as a scoped service.
        if (_services is not null && !_services.IsService(schedule.JobType))
        {
            throw new InvalidOperationException(
                $"Recurring job '{schedule.Name}' enqueues {schedule.JobType.Name}, which no AddJob call registers: add AddBackgroundJobs().AddJob<{schedule.JobType.Name}, TArgs>(\"job-name\") as well.");
        }
    }
}
