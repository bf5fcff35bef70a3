using System.Globalization;

namespace BackgroundTasks.Dashboard;

/// <summary>The overview's throughput: a bar per minute of the last hour (an inline SVG) and sums over 1, 5, 15 and 60 minutes.</summary>
internal static class ThroughputSection
{
    private const int Width = 600;
    private const int Height = 110;

    public static void Render(HtmlBuilder html, IReadOnlyList<MinuteCounts> minutes)
    {
        html.Add($"<section class=\"throughput\" id=\"throughput\"><h2>Throughput, last hour</h2>");
        Chart(html, minutes);
        html.Add($"<div class=\"table-wrap\"><table class=\"sums\"><thead><tr><th>Last</th><th class=\"num\">Enqueued</th><th class=\"num\">Succeeded</th><th class=\"num\">Failed</th><th class=\"num\">Cancelled</th><th class=\"num\">Retried</th></tr></thead><tbody>");
        foreach (var span in new[] { 1, 5, 15, 60 })
        {
            var last = minutes.Skip(minutes.Count - span).ToList();
            html.Add($"<tr data-minutes=\"{span}\"><th scope=\"row\">{(span == 1 ? "minute" : $"{span} minutes")}</th>");
            html.Add($"<td class=\"num\">{Sum(last, static m => m.Enqueued)}</td><td class=\"num\">{Sum(last, static m => m.Succeeded)}</td>");
            html.Add($"<td class=\"num failed\">{Sum(last, static m => m.Failed)}</td><td class=\"num\">{Sum(last, static m => m.Cancelled)}</td><td class=\"num\">{Sum(last, static m => m.Retried)}</td></tr>");
        }

        html.Add($"""
            </tbody></table></div>
            <p class="muted small">Jobs this process enqueued and finished, counted per minute since it started (from the <code>BackgroundTasks</code> meter). Jobs run by other hosts sharing the store are not counted here; the counts above are the store's.</p>
            </section>
            """);
    }

    private static string Sum(List<MinuteCounts> minutes, Func<MinuteCounts, long> pick)
        => minutes.Sum(pick).ToString("N0", CultureInfo.InvariantCulture);

    private static void Chart(HtmlBuilder html, IReadOnlyList<MinuteCounts> minutes)
    {
        var max = Math.Max(1, minutes.Max(static m => m.Finished));
        var step = (double)Width / minutes.Count;
        html.Add($"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"Jobs finished per minute over the last hour: succeeded, failed and cancelled\" preserveAspectRatio=\"none\">");
        html.Add($"<line class=\"axis\" x1=\"0\" y1=\"{Height}\" x2=\"{Width}\" y2=\"{Height}\"></line>");
        for (var i = 0; i < minutes.Count; i++)
        {
            var m = minutes[i];
            var x = (i * step) + 1;
            var y = (double)Height;
            html.Add($"<g><title>{Display.Time(m.Start)[11..16]} UTC: {m.Succeeded} succeeded, {m.Failed} failed, {m.Cancelled} cancelled, {m.Enqueued} enqueued</title>");
            foreach (var (value, css) in new[] { (m.Succeeded, "ok"), (m.Failed, "bad"), (m.Cancelled, "off") })
            {
                if (value > 0)
                {
                    var h = Math.Max(1, Height * (double)value / max);
                    y -= h;
                    html.Add($"<rect class=\"{css}\" x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{step - 2:0.##}\" height=\"{h:0.##}\"></rect>");
                }
            }

            html.Add($"<rect class=\"hit\" x=\"{i * step:0.##}\" y=\"0\" width=\"{step:0.##}\" height=\"{Height}\"></rect></g>");
        }

        html.Add($"</svg><p class=\"axis-labels muted small\"><span>60 minutes ago</span><span>peak {max} finished a minute</span><span>now</span></p>");
    }
}
