using System.Text.Json.Serialization;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>The source-generated JSON contract of <see cref="PgNoOpArgs"/>.</summary>
[JsonSerializable(typeof(PgNoOpArgs))]
public sealed partial class PgJsonContext : JsonSerializerContext;
