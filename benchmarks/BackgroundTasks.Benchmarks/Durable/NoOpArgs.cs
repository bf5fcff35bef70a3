namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>The arguments of <see cref="NoOpJob"/>: which body it runs.</summary>
/// <param name="Body">The body.</param>
public sealed record NoOpArgs(DurableJob Body);
