using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BackgroundTasks;

/// <summary>
/// The registered job filters (<see cref="IJobFilter"/>) and state observers (<see cref="IJobStateObserver"/>):
/// the pipeline around each attempt, and the calls after each recorded change. With none registered the engine
/// skips both, and an attempt costs what it did without them.
/// </summary>
internal sealed class JobHooks
{
    private readonly Type[] _filters;
    private readonly IJobStateObserver[] _observers;
    private readonly ILogger _logger;

    public JobHooks(IEnumerable<JobFilterRegistration> filters, IEnumerable<IJobStateObserver> observers, ILogger<JobEngine>? logger = null)
    {
        _filters = [.. filters.Select(static f => f.FilterType)];
        _observers = [.. observers];
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets the hooks of an engine that has none.</summary>
    public static JobHooks None { get; } = new([], []);

    public bool HasFilters => _filters.Length > 0;

    public bool HasObservers => _observers.Length > 0;

    /// <summary>Runs an attempt through the filters, in registration order, and finally the job.</summary>
    public ValueTask RunAsync(LiveJob job, JobContext context) => Next(job, context, 0);

    /// <summary>Tells every observer about a recorded change; an observer that throws is logged and skipped.</summary>
    public void Changed(JobId id, string? name, string queue, int maxAttempts, in JobTransition change)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        var seen = new JobStateChange(id, name, queue, maxAttempts, change);
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnStateChanged(seen);
            }
            catch (Exception ex)
            {
                _logger.StateObserverFailed(ex, observer.GetType().Name, id, change.Status);
            }
        }
    }

    private ValueTask Next(LiveJob job, JobContext context, int index)
    {
        if (index == _filters.Length)
        {
            return new ValueTask(job.InvokeAsync(context));
        }

        var filter = (IJobFilter)context.Services.GetRequiredService(_filters[index]);
        return filter.InvokeAsync(context, next => Next(job, next, index + 1));
    }
}
