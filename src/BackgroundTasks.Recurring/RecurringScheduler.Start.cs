using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BackgroundTasks.Recurring;

/// <summary>
/// Start-up: every recurring job added in code is registered and saved to the store (the last host to start wins), and
/// each schedule starts from now or, to run missed occurrences once, from its last run.
/// </summary>
internal sealed partial class RecurringScheduler
{
    /// <summary>How many of the store's newest jobs are searched for a schedule's last run, when the store does not keep it.</summary>
    private const int LastRunSearch = 10_000;

    /// <summary>The recurring jobs added in code, as saved at start-up.</summary>
    private List<RecurringJobRecord> _fromCode = [];

    /// <summary>
    /// Checks that every recurring job's job is registered before the first occurrence could fail on it, and saves the
    /// recurring jobs added in code to the store, so that they are listed from the moment the host has started.
    /// </summary>
    /// <exception cref="InvalidOperationException">A recurring job's job class was not registered with <c>AddJob</c>.</exception>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in _definitions)
        {
            ThrowIfNotRegistered(definition);
        }

        if (_engine.Records.Store is IDurableJobStore and not IRecurringJobStore)
        {
            _logger.RecurringJobsInMemory(_engine.Records.Store.GetType().FullName!);
        }

        _fromCode = [.. _definitions.Select(d => d.ToRecord(_engine))];
        foreach (var record in _fromCode)
        {
            try
            {
                await _store.SaveRecurringJobAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                _logger.SaveFailed(exception, record.Name);
            }
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the recurring jobs back from the store, and sets where each starts: now, or its last run.</summary>
    private async Task StartSchedulesAsync(CancellationToken cancellationToken)
    {

        long? version = null;
        IReadOnlyList<RecurringJobRecord> records;
        try
        {
            version = await _store.GetRecurringJobsVersionAsync(cancellationToken).ConfigureAwait(false);
            records = await _store.ListRecurringJobsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _logger.StoreReadFailed(exception);
            records = _fromCode;
        }

        List<RecurringSchedule> catchingUp;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            _running = true;
            _seenVersion = version;
            foreach (var record in records)
            {
                ApplyLocked(record, now);
            }

            // Added at run time before the scheduler ran, or from the store: each starts from now.
            foreach (var schedule in _schedules.Values.Where(static s => !s.Started))
            {
                (schedule.Cursor, schedule.Started) = (now, true);
            }

            catchingUp = [.. _schedules.Values.Where(static s => s.Record.Misfire == MisfirePolicy.RunOnce && s.CanRun)];
        }

        foreach (var schedule in catchingUp)
        {
            (DateTimeOffset Due, JobId Id)? lastRun;
            try
            {
                lastRun = schedule.LastRun is { } stored ? (stored, schedule.LastRunJobId ?? default) : await FindLastRunAsync(schedule, cancellationToken).ConfigureAwait(false);
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
            var records = await _engine.Records.Store.QueryAsync(new JobQuery { Skip = skip, Take = Page }, cancellationToken).ConfigureAwait(false);
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

    private void ThrowIfNotRegistered(RecurringJobDefinition definition)
    {
        // AddJob registers the job's class as a scoped service.
        if (_services is not null && !_services.IsService(definition.JobType))
        {
            throw new InvalidOperationException(
                $"Recurring job '{definition.Name}' enqueues {definition.JobType.Name}, which no AddJob call registers: add AddBackgroundJobs().AddJob<{definition.JobType.Name}, TArgs>(\"job-name\") as well.");
        }
    }
}
