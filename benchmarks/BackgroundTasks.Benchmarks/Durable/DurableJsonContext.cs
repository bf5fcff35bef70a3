using System.Text.Json.Serialization;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>The source-generated JSON contract of <see cref="NoOpArgs"/>.</summary>
[JsonSerializable(typeof(NoOpArgs))]
public sealed partial class DurableJsonContext : JsonSerializerContext;
