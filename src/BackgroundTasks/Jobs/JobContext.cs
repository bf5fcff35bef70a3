using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks;

/// <summary>
/// What a running job knows about itself: its id, attempt and cancellation token, a DI scope of its own,
/// and a way to report progress. One context serves one attempt; do not keep it after the job returns.
/// </summary>
public sealed partial class JobContext : IProgress<JobProgress>, IProgress<double>
{
    private readonly LiveJob _job;

    internal JobContext(JobEngine engine, LiveJob job, CancellationToken cancellationToken)
    {
        Engine = engine;
        _job = job;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the engine that runs the job.</summary>
    internal JobEngine Engine { get; }

    /// <summary>Gets the job this context belongs to.</summary>
    internal LiveJob Job => _job;

    /// <summary>Gets the job's id.</summary>
    public JobId Id => _job.Id;

    /// <summary>Gets the job's name: for a typed job, the name it was registered under; for a lambda, the name its options gave it, if any.</summary>
    public string? Name => _job.Settings.Name;

    /// <summary>Gets the name of the job's queue.</summary>
    public string Queue => _job.Settings.Queue;

    /// <summary>Gets the number of this attempt, counting from 1.</summary>
    public int Attempt => _job.Attempt;

    /// <summary>Gets how many attempts the job has in all.</summary>
    public int MaxAttempts => _job.Settings.MaxAttempts;

    /// <summary>Gets the id of the job that started this one, if any.</summary>
    public JobId? ParentId => _job.Settings.ParentId;

    /// <summary>
    /// Gets the token that fires when the job is cancelled by id, when its attempt times out, or when the
    /// host stops and the drain timeout has passed. Pass it to everything the job awaits.
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the services of a DI scope that belongs to this attempt alone; it is disposed when the attempt ends.</summary>
    public IServiceProvider Services => (Volatile.Read(ref State.Scope) ?? CreateScope()).ServiceProvider;

    private IServiceScope CreateScope()
    {
        var scope = Engine.ScopeFactory.CreateScope();
        var winner = Interlocked.CompareExchange(ref State.Scope, scope, null);
        if (winner is null)
        {
            return scope;
        }

        // Another thread of the job created the scope first.
        scope.Dispose();
        return winner;
    }

    /// <summary>Gets a value indicating whether the attempt has nothing to end: no progress to flush, no scope to dispose.</summary>
    internal bool IsQuiet => Volatile.Read(ref _state) is null;

    /// <summary>Ends the attempt: flushes progress and disposes the scope. Never throws.</summary>
    internal async ValueTask CompleteAsync()
    {
        await FlushProgressAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _state) is { } state && Interlocked.Exchange(ref state.Scope, null) is { } scope)
        {
            try
            {
                if (scope is IAsyncDisposable asyncScope)
                {
                    await asyncScope.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    scope.Dispose();
                }
            }
            catch (Exception ex)
            {
                Log.ScopeDisposeFailed(Engine.Logger, ex, Id);
            }
        }
    }
}
