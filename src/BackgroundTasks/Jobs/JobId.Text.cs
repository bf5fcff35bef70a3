using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace BackgroundTasks;

/// <summary>
/// The text forms of a job id: 32 lowercase hexadecimal digits, as UTF-16 or UTF-8. Parsing also accepts
/// uppercase digits. The <see cref="IParsable{TSelf}"/>, <see cref="ISpanParsable{TSelf}"/> and
/// <see cref="IUtf8SpanParsable{TSelf}"/> methods are explicit, for generic code and frameworks (ASP.NET Core
/// binding): with public overloads that take an <see cref="IFormatProvider"/>, analyzers (CA1305) would flag
/// every plain <see cref="Parse(string)"/> call, though the text form has no culture.
/// </summary>
public readonly partial struct JobId
{
    private const int TextLength = 32;
    private const int HalfLength = 16;

    /// <summary>Parses the 32-digit hexadecimal text form of an id.</summary>
    /// <param name="text">The text, as produced by <see cref="ToString()"/>.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not 32 hexadecimal digits, or is the empty id.</exception>
    public static JobId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var id) ? id : throw BadText(text);
    }

    /// <summary>Parses the 32-digit hexadecimal text form of an id.</summary>
    /// <param name="s">The text, as produced by <see cref="ToString()"/>.</param>
    /// <param name="provider">Ignored: the text form does not depend on a culture.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="s"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="s"/> is not 32 hexadecimal digits, or is the empty id.</exception>
    static JobId IParsable<JobId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <summary>Parses the 32-digit hexadecimal text form of an id.</summary>
    /// <param name="s">The text, as produced by <see cref="ToString()"/>.</param>
    /// <param name="provider">Ignored: the text form does not depend on a culture.</param>
    /// <returns>The id.</returns>
    /// <exception cref="FormatException"><paramref name="s"/> is not 32 hexadecimal digits, or is the empty id.</exception>
    static JobId ISpanParsable<JobId>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider)
        => TryParse(s, out var id) ? id : throw BadText(s.ToString());

    /// <summary>Parses the 32-digit hexadecimal UTF-8 text form of an id.</summary>
    /// <param name="utf8Text">The UTF-8 text, as produced by <see cref="TryFormat(Span{byte}, out int, ReadOnlySpan{char}, IFormatProvider?)"/>.</param>
    /// <param name="provider">Ignored: the text form does not depend on a culture.</param>
    /// <returns>The id.</returns>
    /// <exception cref="FormatException"><paramref name="utf8Text"/> is not 32 hexadecimal digits, or is the empty id.</exception>
    static JobId IUtf8SpanParsable<JobId>.Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider)
        => TryParseUtf8(utf8Text, out var id) ? id : throw BadText(Encoding.UTF8.GetString(utf8Text));

    /// <summary>Tries to parse the 32-digit hexadecimal text form of an id.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="id">The id, when the text is valid; otherwise the empty id.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid id.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out JobId id)
    {
        if (TryParseAny(text, out id) && !id.IsEmpty)
        {
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>Tries to parse the 32-digit hexadecimal text form of an id.</summary>
    /// <param name="s">The text to parse.</param>
    /// <param name="provider">Ignored: the text form does not depend on a culture.</param>
    /// <param name="result">The id, when the text is valid; otherwise the empty id.</param>
    /// <returns><see langword="true"/> when <paramref name="s"/> is a valid id.</returns>
    static bool IParsable<JobId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out JobId result)
        => TryParse(s.AsSpan(), out result);

    /// <summary>Tries to parse the 32-digit hexadecimal text form of an id.</summary>
    /// <param name="s">The text to parse.</param>
    /// <param name="provider">Ignored: the text form does not depend on a culture.</param>
    /// <param name="result">The id, when the text is valid; otherwise the empty id.</param>
    /// <returns><see langword="true"/> when <paramref name="s"/> is a valid id.</returns>
    static bool ISpanParsable<JobId>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out JobId result)
        => TryParse(s, out result);

    /// <summary>Tries to parse the 32-digit hexadecimal UTF-8 text form of an id.</summary>
    /// <param name="utf8Text">The UTF-8 text to parse.</param>
    /// <param name="provider">Ignored: the text form does not depend on a culture.</param>
    /// <param name="result">The id, when the text is valid; otherwise the empty id.</param>
    /// <returns><see langword="true"/> when <paramref name="utf8Text"/> is a valid id.</returns>
    static bool IUtf8SpanParsable<JobId>.TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out JobId result)
        => TryParseUtf8(utf8Text, out result);

    /// <summary>Returns the 32-digit hexadecimal text form of the id.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => string.Create(TextLength, this, static (span, id) => id.TryFormat(span, out _, default, null));

    /// <summary>Returns the 32-digit hexadecimal text form of the id.</summary>
    /// <param name="format">Ignored: there is one text form.</param>
    /// <param name="formatProvider">Ignored: the text form does not depend on a culture.</param>
    /// <returns>The text form.</returns>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Writes the 32-digit hexadecimal text form of the id.</summary>
    /// <param name="destination">Where to write; needs room for 32 characters.</param>
    /// <param name="charsWritten">32, or 0 when <paramref name="destination"/> is too short.</param>
    /// <param name="format">Ignored: there is one text form.</param>
    /// <param name="provider">Ignored: the text form does not depend on a culture.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too short.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < TextLength)
        {
            charsWritten = 0;
            return false;
        }

        var ok = _high.TryFormat(destination, out _, "x16", CultureInfo.InvariantCulture)
            && _low.TryFormat(destination[HalfLength..], out _, "x16", CultureInfo.InvariantCulture);
        Debug.Assert(ok);
        charsWritten = TextLength;
        return true;
    }

    /// <summary>Writes the 32-digit hexadecimal text form of the id as UTF-8.</summary>
    /// <param name="utf8Destination">Where to write; needs room for 32 bytes.</param>
    /// <param name="bytesWritten">32, or 0 when <paramref name="utf8Destination"/> is too short.</param>
    /// <param name="format">Ignored: there is one text form.</param>
    /// <param name="provider">Ignored: the text form does not depend on a culture.</param>
    /// <returns><see langword="false"/> when <paramref name="utf8Destination"/> is too short.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (utf8Destination.Length < TextLength)
        {
            bytesWritten = 0;
            return false;
        }

        var ok = _high.TryFormat(utf8Destination, out _, "x16", CultureInfo.InvariantCulture)
            && _low.TryFormat(utf8Destination[HalfLength..], out _, "x16", CultureInfo.InvariantCulture);
        Debug.Assert(ok);
        bytesWritten = TextLength;
        return true;
    }

    /// <summary>Tries to parse the UTF-8 text form of an id; the empty id is not valid.</summary>
    internal static bool TryParseUtf8(ReadOnlySpan<byte> utf8Text, out JobId id)
    {
        if (TryParseAny(utf8Text, out id) && !id.IsEmpty)
        {
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>Parses 32 hexadecimal digits, the empty id's included.</summary>
    internal static bool TryParseAny(ReadOnlySpan<char> text, out JobId id)
    {
        if (text.Length == TextLength
            && ulong.TryParse(text[..HalfLength], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            && ulong.TryParse(text[HalfLength..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            id = new JobId(high, low);
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>Parses 32 hexadecimal digits of UTF-8, the empty id's included.</summary>
    internal static bool TryParseAny(ReadOnlySpan<byte> utf8Text, out JobId id)
    {
        if (utf8Text.Length == TextLength
            && ulong.TryParse(utf8Text[..HalfLength], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            && ulong.TryParse(utf8Text[HalfLength..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            id = new JobId(high, low);
            return true;
        }

        id = default;
        return false;
    }

    private static FormatException BadText(string text)
    {
        const int Shown = 64;
        var shown = text.Length <= Shown ? text : string.Concat(text.AsSpan(0, Shown), "...");
        return new FormatException($"'{shown}' is not a job id: expected 32 hexadecimal digits, as JobId.ToString() writes them.");
    }
}
