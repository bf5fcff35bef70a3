using System.Text.Json;
using System.Text.Json.Serialization;

namespace BackgroundTasks;

/// <summary>
/// Writes a <see cref="JobId"/> as its 32-digit hexadecimal text, as a value or a property name, and reads it
/// back. The empty id is written as 32 zeros and read back as the empty id, so every id round-trips.
/// </summary>
internal sealed class JobIdJsonConverter : JsonConverter<JobId>
{
    private const int TextLength = 32;

    /// <inheritdoc/>
    public override JobId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A job id is a JSON string of 32 hexadecimal digits, not a {reader.TokenType} token.");
        }

        return ReadText(ref reader);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, JobId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> text = stackalloc byte[TextLength];
        value.TryFormat(text, out _, default, null);
        writer.WriteStringValue(text);
    }

    /// <inheritdoc/>
    public override JobId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => ReadText(ref reader);

    /// <inheritdoc/>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, JobId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> text = stackalloc byte[TextLength];
        value.TryFormat(text, out _, default, null);
        writer.WritePropertyName(text);
    }

    private static JobId ReadText(ref Utf8JsonReader reader)
    {
        // Ids are plain ASCII: the raw bytes are the text unless the writer escaped them or the value spans buffers.
        var ok = reader.HasValueSequence || reader.ValueIsEscaped
            ? JobId.TryParseAny(reader.GetString().AsSpan(), out var id)
            : JobId.TryParseAny(reader.ValueSpan, out id);
        return ok ? id : throw new JsonException($"'{reader.GetString()}' is not a job id: expected 32 hexadecimal digits, as JobId.ToString() writes them.");
    }
}
