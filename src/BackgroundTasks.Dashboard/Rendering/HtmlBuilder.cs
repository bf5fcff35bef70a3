using System.Runtime.CompilerServices;
using System.Text;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// Builds a page's HTML from interpolated strings whose literal parts are markup and whose holes are
/// values: every hole is HTML-encoded (text and attribute values alike) unless it is a <see cref="Markup"/>.
/// <code>html.Add($"&lt;td title=\"{job.Queue}\"&gt;{job.Name}&lt;/td&gt;");</code>
/// </summary>
internal sealed class HtmlBuilder
{
    public StringBuilder Builder { get; } = new(4096);

    /// <summary>Appends markup, encoding every hole that is not <see cref="Markup"/>.</summary>
    public HtmlBuilder Add([InterpolatedStringHandlerArgument("")] ref HtmlInterpolatedStringHandler html)
    {
        _ = html;
        return this;
    }

    /// <summary>Appends a fragment that is already safe.</summary>
    public HtmlBuilder Add(Markup markup)
    {
        Builder.Append(markup.Html);
        return this;
    }

    /// <summary>Appends text, encoded.</summary>
    public HtmlBuilder Text(string? text)
    {
        HtmlText.Encode(Builder, text);
        return this;
    }

    public Markup ToMarkup() => new(Builder.ToString());

    public override string ToString() => Builder.ToString();
}
