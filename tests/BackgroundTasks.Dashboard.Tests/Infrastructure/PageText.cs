using System.Globalization;
using System.Text.RegularExpressions;

namespace BackgroundTasks.Dashboard.Tests;

/// <summary>Reads values out of the dashboard's HTML by the data attributes it puts there for tools and tests.</summary>
public static partial class PageText
{
    /// <summary>The number on an overview card (<c>data-card="Failed"</c>).</summary>
    public static int Card(string html, string card)
        => Number(Regex.Match(html, $"data-card=\"{card}\"><span class=\"value\">([0-9,]+)</span>"), $"card {card}");

    /// <summary>A count in the overview's queue table (<c>data-queue</c> row, <c>data-count</c> cell).</summary>
    public static int QueueCount(string html, string queue, string column)
    {
        var row = Regex.Match(html, $"<tr data-queue=\"{Regex.Escape(queue)}\">(.*?)</tr>", RegexOptions.Singleline);
        Assert.That(row.Success, Is.True, $"no row for queue {queue}");
        return Number(Regex.Match(row.Groups[1].Value, $"data-count=\"{column}\">(?:<a [^>]*>)?([0-9,]+)"), $"queue {queue}, {column}");
    }

    /// <summary>The ids of the job rows of a list, in page order.</summary>
    public static List<JobId> JobIds(string html)
        => [.. JobRow().Matches(html).Select(m => JobId.Parse(m.Groups[1].Value))];

    /// <summary>The navigation's count for an entry (<c>data-nav</c>).</summary>
    public static int NavCount(string html, string key)
        => Number(Regex.Match(html, $"data-nav=\"{key}\"[^>]*>[^<]*<span class=\"count\">([0-9,]+)</span>"), $"nav {key}");

    private static int Number(Match match, string what)
    {
        Assert.That(match.Success, Is.True, $"{what} not found on the page");
        return int.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("<tr class=\"job\" data-job-id=\"([0-9a-f]{32})\"")]
    private static partial Regex JobRow();
}
