namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>The arguments of <see cref="PgNoOpJob"/>: which body it runs.</summary>
/// <param name="Body">The body.</param>
public sealed record PgNoOpArgs(PgJob Body);
