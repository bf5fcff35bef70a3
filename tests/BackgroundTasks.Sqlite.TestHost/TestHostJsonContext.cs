using System.Text.Json.Serialization;

namespace BackgroundTasks.Sqlite.TestHost;

/// <summary>The crash job's arguments' JSON contract.</summary>
[JsonSerializable(typeof(CrashArgs))]
internal sealed partial class TestHostJsonContext : JsonSerializerContext;
