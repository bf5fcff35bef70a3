using System.Text.Json;
using BackgroundTasks;

namespace ConsoleWorker.Display;

/// <summary>
/// A job's label on screen: the <c>title</c> of its stored arguments (every job of this sample has one), since its
/// registered name only says what kind of job it is ("report"); the name or id for any other job.
/// </summary>
internal static class JobLabel
{
    public static string Of(JobRecord record)
    {
        if (record.Arguments is { } json)
        {
            using var arguments = JsonDocument.Parse(json);
            if (arguments.RootElement.ValueKind == JsonValueKind.Object
                && arguments.RootElement.TryGetProperty("title", out var title)
                && title.ValueKind == JsonValueKind.String)
            {
                return title.GetString()!;
            }
        }

        return record.Name ?? record.Id.ToString();
    }
}
