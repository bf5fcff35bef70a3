using System.Text;
using System.Text.Encodings.Web;

namespace BackgroundTasks.Dashboard;

/// <summary>The one place text becomes HTML: <see cref="HtmlEncoder.Default"/>, safe in element content and in quoted attribute values.</summary>
internal static class HtmlText
{
    public static void Encode(StringBuilder builder, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            builder.Append(HtmlEncoder.Default.Encode(text));
        }
    }

    public static string Encode(string? text) => string.IsNullOrEmpty(text) ? string.Empty : HtmlEncoder.Default.Encode(text);
}
