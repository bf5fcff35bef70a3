using System.Text.Json;
using System.Text.Json.Serialization;
using static BackgroundTasks.Tests.Jobs.TypedJobSamples;

namespace BackgroundTasks.Tests.Jobs;

/// <summary>Source-generated contracts for the typed-job tests: the trim- and AOT-safe registration path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(InvoiceArgs))]
[JsonSerializable(typeof(SumArgs))]
[JsonSerializable(typeof(GetOnlyArgs))]
[JsonSerializable(typeof(OrderArgs))]
[JsonSerializable(typeof(FieldArgs))]
[JsonSerializable(typeof(IgnoredFieldArgs))]
internal sealed partial class TypedJobJsonContext : JsonSerializerContext;
