using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace BackgroundTasks.Dashboard;

/// <summary>The interpolated-string handler of <see cref="HtmlBuilder.Add(ref HtmlInterpolatedStringHandler)"/>: literals as they are, holes encoded.</summary>
[InterpolatedStringHandler]
internal readonly ref struct HtmlInterpolatedStringHandler
{
    private readonly StringBuilder _builder;

    public HtmlInterpolatedStringHandler(int literalLength, int formattedCount, HtmlBuilder html)
    {
        _ = literalLength;
        _ = formattedCount;
        _builder = html.Builder;
    }

    public void AppendLiteral(string literal) => _builder.Append(literal);

    public void AppendFormatted(Markup markup) => _builder.Append(markup.Html);

    public void AppendFormatted(string? text) => HtmlText.Encode(_builder, text);

    public void AppendFormatted<T>(T value) => AppendFormatted(value, format: null);

    public void AppendFormatted<T>(T value, string? format)
    {
        var text = value switch
        {
            null => null,
            IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        HtmlText.Encode(_builder, text);
    }
}
