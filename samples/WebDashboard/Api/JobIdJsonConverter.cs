using System.Text.Json;
using System.Text.Json.Serialization;
using BackgroundTasks;

namespace WebDashboard.Api;

/// <summary>Writes a <see cref="JobId"/> as its 32-hex-digit string and reads it back.</summary>
public sealed class JobIdJsonConverter : JsonConverter<JobId>
{
    public override JobId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.TokenType == JsonTokenType.String && JobId.TryParse(reader.GetString(), out var id)
            ? id
            : throw new JsonException("A job id is a string of 32 hexadecimal digits.");

    public override void Write(Utf8JsonWriter writer, JobId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var written, default, null);
        writer.WriteStringValue(text[..written]);
    }
}
