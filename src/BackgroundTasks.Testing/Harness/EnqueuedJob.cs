using System.Globalization;

namespace BackgroundTasks.Testing;

/// <summary>
/// A job the store of a <see cref="JobsTestHost"/> accepted: its record as accepted and, when it was enqueued
/// through <see cref="IJobQueue"/>, what the call passed (the typed job's class, its arguments and the options).
/// </summary>
public sealed class EnqueuedJob
{
    internal EnqueuedJob(JobRecord record, EnqueueCall? call)
    {
        Record = record;
        JobType = call?.JobType;
        Arguments = call?.Arguments;
        Options = call?.Options;
    }

    /// <summary>Gets the job's id.</summary>
    public JobId Id => Record.Id;

    /// <summary>Gets the job's name: the registered name of a typed job, <see cref="JobOptions.Name"/> of a lambda.</summary>
    public string? Name => Record.Name;

    /// <summary>Gets the queue the job went to.</summary>
    public string Queue => Record.Queue;

    /// <summary>
    /// Gets the job's record as the store accepted it: <see cref="JobStatus.Queued"/>, or <see cref="JobStatus.Scheduled"/>
    /// with its due time, and the name, queue, priority, maximum attempts, parent and, for a typed job, the
    /// arguments as stored JSON (<see cref="JobRecord.Arguments"/>). Its later changes are read with
    /// <see cref="IJobMonitor.GetAsync"/>.
    /// </summary>
    public JobRecord Record { get; }

    /// <summary>
    /// Gets the typed job's class, when the job was enqueued through <see cref="IJobQueue.EnqueueAsync{TJob, TArgs}"/>
    /// or <see cref="IJobQueue.EnqueueManyAsync{TJob, TArgs}"/>; <see langword="null"/> for a lambda, and for a job that
    /// did not come through <see cref="IJobQueue"/> (a retry by <see cref="IJobMonitor.RetryAsync"/>).
    /// </summary>
    public Type? JobType { get; }

    /// <summary>Gets the typed job's arguments as the call passed them (not a copy); <see langword="null"/> when <see cref="JobType"/> is.</summary>
    public object? Arguments { get; }

    /// <summary>Gets the options the enqueue call passed (the instance itself, not a copy); <see langword="null"/> when it passed none.</summary>
    public JobOptions? Options { get; }

    /// <summary>Gets the typed job's arguments as <typeparamref name="TArgs"/>.</summary>
    /// <typeparam name="TArgs">The arguments' type, as registered with <c>AddJob</c>.</typeparam>
    /// <returns>The arguments the call passed.</returns>
    /// <exception cref="InvalidOperationException">The job is not a typed job enqueued through <see cref="IJobQueue"/>, or its arguments are of another type.</exception>
    public TArgs GetArguments<TArgs>()
    {
        if (JobType is null)
        {
            throw new InvalidOperationException($"Job {Id} ('{Name}') has no arguments to read: it is a lambda, or it was not enqueued through IJobQueue. Its stored arguments, if any, are in Record.Arguments.");
        }

        return Arguments is TArgs args
            ? args
            : throw new InvalidOperationException($"Job {Id} ('{Name}') was enqueued with arguments of type {Arguments?.GetType().Name ?? "null"}, not {typeof(TArgs).Name}.");
    }

    /// <summary>Describes the job: name, queue, priority, due time and stored arguments.</summary>
    /// <returns>For example <c>send-invoice on 'default' (Normal) {"invoiceId":42}</c>.</returns>
    public override string ToString()
    {
        var due = Record.ScheduledAt is { } at ? string.Create(CultureInfo.InvariantCulture, $" due {at:O}") : string.Empty;
        return $"{Name ?? "(lambda)"} on '{Queue}' ({Record.Priority}){due}{(Record.Arguments is null ? string.Empty : " " + Record.Arguments)}";
    }
}
