using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BackgroundTasks.Sqlite;

/// <summary>
/// Keeps a job's result as text with a kind, without reflection: strings, numbers, <see cref="bool"/>,
/// <see cref="Guid"/>, dates, times and <see cref="JsonElement"/> round-trip to the same type; any other
/// value is serialized with the configured JSON options when they know its type (and comes back as a
/// <see cref="JsonElement"/>), or else kept as its <see cref="object.ToString"/> text (and comes back as a string).
/// </summary>
internal static class ResultCodec
{
    private const string Json = "json";
    private const string Text = "text";

    public static (string? Kind, string? Value) Encode(object? result, JsonSerializerOptions? options)
    {
        var invariant = CultureInfo.InvariantCulture;
        return result switch
        {
            null => (null, null),
            string text => ("string", text),
            int number => ("int", number.ToString(invariant)),
            long number => ("long", number.ToString(invariant)),
            bool flag => ("bool", flag ? "true" : "false"),
            double number => ("double", number.ToString("R", invariant)),
            float number => ("float", number.ToString("R", invariant)),
            decimal number => ("decimal", number.ToString(invariant)),
            short number => ("short", number.ToString(invariant)),
            byte number => ("byte", number.ToString(invariant)),
            uint number => ("uint", number.ToString(invariant)),
            ulong number => ("ulong", number.ToString(invariant)),
            char character => ("char", character.ToString()),
            Guid guid => ("guid", guid.ToString("D")),
            DateTimeOffset time => ("datetimeoffset", time.ToString("O", invariant)),
            DateTime time => ("datetime", time.ToString("O", invariant)),
            TimeSpan span => ("timespan", span.ToString("c", invariant)),
            JobId id => ("jobid", id.ToString()),
            JsonElement element => (Json, element.GetRawText()),
            _ when TrySerialize(result, options, out var json) => (Json, json),
            _ => (Text, Describe(result)),
        };
    }

    public static object? Decode(string? kind, string? value)
    {
        if (kind is null || value is null)
        {
            return null;
        }

        var invariant = CultureInfo.InvariantCulture;
        return kind switch
        {
            "string" or Text => value,
            "int" => int.Parse(value, invariant),
            "long" => long.Parse(value, invariant),
            "bool" => value == "true",
            "double" => double.Parse(value, invariant),
            "float" => float.Parse(value, invariant),
            "decimal" => decimal.Parse(value, invariant),
            "short" => short.Parse(value, invariant),
            "byte" => byte.Parse(value, invariant),
            "uint" => uint.Parse(value, invariant),
            "ulong" => ulong.Parse(value, invariant),
            "char" => value[0],
            "guid" => Guid.ParseExact(value, "D"),
            "datetimeoffset" => DateTimeOffset.ParseExact(value, "O", invariant, DateTimeStyles.RoundtripKind),
            "datetime" => DateTime.ParseExact(value, "O", invariant, DateTimeStyles.RoundtripKind),
            "timespan" => TimeSpan.ParseExact(value, "c", invariant),
            "jobid" => JobId.Parse(value),
            Json => ParseJson(value),
            _ => value, // a kind from a newer version of the package: its text is the best we have
        };
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static bool TrySerialize(object value, JsonSerializerOptions? options, out string json)
    {
        json = string.Empty;
        if (options is null)
        {
            return false;
        }

        try
        {
            if (!options.TryGetTypeInfo(value.GetType(), out JsonTypeInfo? info))
            {
                return false;
            }

            json = JsonSerializer.Serialize(value, info);
            return true;
        }
        catch (Exception exception) when (exception is NotSupportedException or InvalidOperationException or JsonException)
        {
            // No resolver knows the type (reflection is off under trimming or native AOT), or it does not
            // serialize (a cycle): keep its text rather than lose the job's outcome.
            return false;
        }
    }

#pragma warning disable CA1031 // A result's ToString is user code; whatever it throws must not lose the job's outcome.
    private static string Describe(object value)
    {
        try
        {
            return value.ToString() ?? string.Empty;
        }
        catch (Exception)
        {
            return value.GetType().FullName ?? value.GetType().Name;
        }
    }
#pragma warning restore CA1031
}
