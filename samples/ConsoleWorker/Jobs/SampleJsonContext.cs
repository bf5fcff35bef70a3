using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConsoleWorker.Jobs;

/// <summary>The jobs' arguments' JSON contracts, generated at build time (trim- and AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReportArgs))]
[JsonSerializable(typeof(ImportArgs))]
[JsonSerializable(typeof(PrimeCountArgs))]
[JsonSerializable(typeof(DiskSpaceArgs))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
