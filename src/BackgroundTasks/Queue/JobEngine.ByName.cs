namespace BackgroundTasks;

/// <summary>
/// Typed jobs enqueued by their registered name and serialized arguments, as a store keeps them (recurring jobs shared
/// through the store). The name is looked up in the registry, never turned into a type.
/// </summary>
internal sealed partial class JobEngine
{
    /// <summary>Tells whether a typed job is registered on this host under <paramref name="jobName"/>.</summary>
    public bool IsRegistered(string jobName) => _registry.TryGet(jobName, out _);

    /// <summary>Serializes a typed job's arguments as the store keeps them, and gets the name the job is registered under.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TJob"/> is not registered with <c>AddJob</c>.</exception>
    /// <exception cref="ArgumentException">The arguments cannot be serialized (see <see cref="JobRegistration.SerializeArguments{TArgs}"/>).</exception>
    public (string JobName, string Arguments) SerializeTyped<TJob, TArgs>(TArgs args)
    {
        var registration = _registry.For(typeof(TJob));
        return (registration.Name, registration.SerializeArguments(args));
    }

    /// <summary>Enqueues the typed job registered under <paramref name="jobName"/> with stored arguments, unless a job holds the options' key.</summary>
    /// <exception cref="InvalidOperationException">No job is registered under the name.</exception>
    public ValueTask<JobEnqueueResult> EnqueueUniqueByNameAsync(string jobName, string arguments, JobOptions options, CancellationToken cancellationToken)
    {
        ThrowIfNoKey(options);
        var (job, queue) = NewTypedJob(jobName, arguments, options);
        return AcceptUniqueAsync(job, queue, options, cancellationToken);
    }

    /// <summary>Enqueues the typed job registered under <paramref name="jobName"/> with stored arguments.</summary>
    /// <exception cref="InvalidOperationException">No job is registered under the name.</exception>
    public ValueTask<JobId> EnqueueByNameAsync(string jobName, string arguments, JobOptions options, CancellationToken cancellationToken)
    {
        var (job, queue) = NewTypedJob(jobName, arguments, options);
        return AcceptAsync(job, queue, options, cancellationToken);
    }

    private (TypedJob Job, NamedQueue Queue) NewTypedJob(string jobName, string arguments, JobOptions options)
    {
        var registration = _registry.Get(jobName);
        var queue = Resolve(options);
        return (new TypedJob(JobId.NewId(), SettingsFor(queue, options, registration.Name), registration, arguments), queue);
    }
}
