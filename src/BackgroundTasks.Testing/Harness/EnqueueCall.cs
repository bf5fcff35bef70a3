namespace BackgroundTasks.Testing;

/// <summary>What a call through <see cref="IJobQueue"/> passed for one job: the typed job's class and arguments, and the options.</summary>
/// <param name="JobType">The typed job's class; <see langword="null"/> for a lambda.</param>
/// <param name="Arguments">The typed job's arguments as passed; <see langword="null"/> for a lambda.</param>
/// <param name="Options">The options instance the call passed, if any.</param>
internal sealed record EnqueueCall(Type? JobType, object? Arguments, JobOptions? Options);
