using System.Text.Json;
using BackgroundTasks;

namespace AuditedStore;

/// <summary>
/// A custom job store: keeps jobs in an <see cref="InMemoryJobStore"/> and appends one JSON line per change
/// (add, transition, progress) to an audit file, flushed line by line. Refused writes change nothing, so
/// they write no line.
/// </summary>
public sealed class AuditingJobStore : IJobStore, IAsyncDisposable, IDisposable
{
    private static readonly byte[] s_newLine = "\n"u8.ToArray();

    private readonly InMemoryJobStore _inner = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileStream _file;
    private readonly TimeProvider _time;

    /// <summary>Creates the store, appending to the audit file at <paramref name="path"/> (created if missing).</summary>
    /// <param name="path">The audit file.</param>
    /// <param name="timeProvider">The clock for the lines' timestamps; <see cref="TimeProvider.System"/> by default.</param>
    public AuditingJobStore(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _time = timeProvider ?? TimeProvider.System;
        AuditPath = path;
    }

    /// <summary>Gets the path of the audit file.</summary>
    public string AuditPath { get; }

    /// <inheritdoc/>
    public async ValueTask AddAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);

        // One lock around the change and its line keeps the file in the order the changes happened,
        // also when a cancellation races with a worker's writes for the same job.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await _inner.AddAsync(job, cancellationToken); // throws ArgumentException for a duplicate id: no line
            await AppendAsync(job.Id, "add", job.Status, job.Attempt, progress: null, job.Error);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TransitionAsync(JobId id, JobTransition transition, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var applied = await _inner.TransitionAsync(id, transition, cancellationToken);
            if (applied)
            {
                await AppendAsync(id, "transition", transition.Status, transition.Attempt, progress: null, transition.Error);
            }

            return applied;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> ReportProgressAsync(JobId id, JobProgress progress, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var applied = await _inner.ReportProgressAsync(id, progress, cancellationToken);
            if (applied)
            {
                await AppendAsync(id, "progress", status: null, attempt: null, progress, error: null);
            }

            return applied;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public ValueTask<JobRecord?> GetAsync(JobId id, CancellationToken cancellationToken = default) => _inner.GetAsync(id, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<JobRecord>> QueryAsync(JobQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(query, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        _gate.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _file.Dispose();
        _gate.Dispose();
    }

    // The change is already applied: write its line even if the caller's token fires now, or the trail would miss it.
    private async Task AppendAsync(JobId id, string operation, JobStatus? status, int? attempt, JobProgress? progress, JobError? error)
    {
        using (var json = new Utf8JsonWriter(_file))
        {
            json.WriteStartObject();
            json.WriteString("at", _time.GetUtcNow());
            json.WriteString("jobId", id.ToString());
            json.WriteString("operation", operation);
            if (status is { } s)
            {
                json.WriteString("status", s.ToString());
            }

            if (attempt is { } a)
            {
                json.WriteNumber("attempt", a);
            }

            if (progress is { } p)
            {
                json.WriteNumber("percent", p.Percent);
                if (p.Message is not null)
                {
                    json.WriteString("message", p.Message);
                }
            }

            if (error is not null)
            {
                json.WriteString("error", $"{error.Type}: {error.Message}");
            }

            json.WriteEndObject();
            await json.FlushAsync(CancellationToken.None);
        }

        await _file.WriteAsync(s_newLine, CancellationToken.None);
        await _file.FlushAsync(CancellationToken.None);
    }
}
