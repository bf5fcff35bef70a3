using System.Text;
using System.Text.Json;

namespace BackgroundTasks;

/// <summary>
/// Finds the first place where two JSON documents differ, as a path (<c>$.lines[2].price</c>) and the kinds
/// of value on either side. Used to say which member of a job's arguments does not survive a round trip.
/// Values themselves are never reported: arguments may hold personal data.
/// </summary>
internal static class JsonDifference
{
    /// <summary>Compares two documents.</summary>
    /// <param name="first">The first document, UTF-8.</param>
    /// <param name="second">The second document, UTF-8.</param>
    /// <param name="maxDepth">The deepest nesting to read.</param>
    /// <returns>The first difference; at the root with equal kinds when the documents differ only in form.</returns>
    public static Difference Find(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> second, int maxDepth)
    {
        var options = new JsonDocumentOptions { MaxDepth = Math.Max(maxDepth, 64) };
        using var a = JsonDocument.Parse(first, options);
        using var b = JsonDocument.Parse(second, options);
        var path = new List<Segment>();
        return Compare(a.RootElement, b.RootElement, path) ?? new Difference([], a.RootElement.ValueKind, b.RootElement.ValueKind);
    }

    private static Difference? Compare(JsonElement a, JsonElement b, List<Segment> path)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return new Difference([.. path], a.ValueKind, b.ValueKind);
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in a.EnumerateObject())
                {
                    path.Add(new Segment(property.Name, -1));
                    var found = b.TryGetProperty(property.Name, out var other)
                        ? Compare(property.Value, other, path)
                        : new Difference([.. path], property.Value.ValueKind, JsonValueKind.Undefined);
                    if (found is not null)
                    {
                        return found;
                    }

                    path.RemoveAt(path.Count - 1);
                }

                foreach (var property in b.EnumerateObject())
                {
                    if (!a.TryGetProperty(property.Name, out _))
                    {
                        return new Difference([.. path, new Segment(property.Name, -1)], JsonValueKind.Undefined, property.Value.ValueKind);
                    }
                }

                return null;
            case JsonValueKind.Array:
                var length = Math.Min(a.GetArrayLength(), b.GetArrayLength());
                for (var i = 0; i < length; i++)
                {
                    path.Add(new Segment(null, i));
                    if (Compare(a[i], b[i], path) is { } found)
                    {
                        return found;
                    }

                    path.RemoveAt(path.Count - 1);
                }

                return a.GetArrayLength() == b.GetArrayLength()
                    ? null
                    : new Difference(
                        [.. path, new Segment(null, length)],
                        a.GetArrayLength() > length ? a[length].ValueKind : JsonValueKind.Undefined,
                        b.GetArrayLength() > length ? b[length].ValueKind : JsonValueKind.Undefined);
            default:
                return a.GetRawText() == b.GetRawText() ? null : new Difference([.. path], a.ValueKind, b.ValueKind);
        }
    }

    /// <summary>Writes a path the way <see cref="JsonException.Path"/> does: <c>$.lines[2].price</c>, <c>$['odd name']</c>.</summary>
    public static string FormatPath(IReadOnlyList<Segment> path)
    {
        var text = new StringBuilder("$");
        foreach (var segment in path)
        {
            if (segment.Property is null)
            {
                text.Append('[').Append(segment.Index).Append(']');
            }
            else if (segment.Property.Length > 0 && segment.Property.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                text.Append('.').Append(segment.Property);
            }
            else
            {
                text.Append("['").Append(segment.Property.Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
            }
        }

        return text.ToString();
    }

    /// <summary>Describes a value's kind for a message: "a string", "null", "missing".</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Undefined => "missing",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    /// <summary>One step of a path: a property name, or an array index when <see cref="Property"/> is <see langword="null"/>.</summary>
    internal readonly record struct Segment(string? Property, int Index);

    /// <summary>Where two documents differ, and the kind of value each has there (<see cref="JsonValueKind.Undefined"/>: missing).</summary>
    internal sealed record Difference(Segment[] Path, JsonValueKind Before, JsonValueKind After);
}
