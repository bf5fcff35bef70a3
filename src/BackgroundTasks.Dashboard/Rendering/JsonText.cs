using System.Buffers;
using System.Text;
using System.Text.Json;

namespace BackgroundTasks.Dashboard;

/// <summary>Shows stored JSON (a typed job's arguments, a result read back as JSON) indented; text that is not JSON stays as it is.</summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Indent(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Indent(document.RootElement);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    public static string Indent(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_indented))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A job's result as text, and the name of its type.</summary>
    public static (string Text, string Type) Result(object result) => result switch
    {
        string text => (text, "string"),
        JsonElement element => (Indent(element), "JSON"),
        IFormattable formattable => (formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture), result.GetType().Name),
        _ => (result.ToString() ?? string.Empty, result.GetType().FullName ?? result.GetType().Name),
    };
}
