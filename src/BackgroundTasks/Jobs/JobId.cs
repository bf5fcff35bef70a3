using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace BackgroundTasks;

/// <summary>
/// Identifies one job. Ids are unique, cheap to create and ordered by creation: ids made later in a
/// process compare greater, and a process's ids start with its start time.
/// </summary>
/// <remarks>
/// The text form is 32 lowercase hexadecimal digits. An id is made from a prefix drawn once per process
/// (its start time in milliseconds and 16 random bits) and a per-process counter, so creating one costs
/// an interlocked increment, not a system call.
/// </remarks>
public readonly struct JobId : IEquatable<JobId>, IComparable<JobId>, ISpanFormattable
{
    private static readonly ulong s_prefix = CreatePrefix();
    private static long s_counter;

    private readonly ulong _high;
    private readonly ulong _low;

    private JobId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Gets a value indicating whether this is the default, empty id that no job has.</summary>
    public bool IsEmpty => _high == 0 && _low == 0;

    /// <summary>Creates a new, unique id.</summary>
    /// <returns>An id greater than every id created before it in this process.</returns>
    public static JobId NewId() => new(s_prefix, (ulong)Interlocked.Increment(ref s_counter));

    /// <summary>Parses the 32-digit hexadecimal text form of an id.</summary>
    /// <param name="text">The text, as produced by <see cref="ToString()"/>.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not 32 hexadecimal digits.</exception>
    public static JobId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var id)
            ? id
            : throw new FormatException($"'{text}' is not a job id: expected 32 hexadecimal digits, as JobId.ToString() writes them.");
    }

    /// <summary>Tries to parse the 32-digit hexadecimal text form of an id.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="id">The id, when the text is valid; otherwise the empty id.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid id.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out JobId id)
    {
        if (text.Length == 32
            && ulong.TryParse(text[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            && ulong.TryParse(text[16..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            id = new JobId(high, low);
            return !id.IsEmpty;
        }

        id = default;
        return false;
    }

    /// <inheritdoc/>
    public bool Equals(JobId other) => _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JobId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>A hash for the in-memory store's table: cheap, and ids made in sequence land in neighbouring buckets and stripes.</summary>
    internal int GetTableHash() => (int)(_low ^ (_low >> 32) ^ _high ^ (_high >> 32));

    /// <inheritdoc/>
    public int CompareTo(JobId other)
    {
        var byHigh = _high.CompareTo(other._high);
        return byHigh != 0 ? byHigh : _low.CompareTo(other._low);
    }

    /// <summary>Returns the 32-digit hexadecimal text form of the id.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() => string.Create(32, this, static (span, id) => id.TryFormat(span, out _, default, null));

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < 32)
        {
            charsWritten = 0;
            return false;
        }

        var ok = _high.TryFormat(destination, out _, "x16", CultureInfo.InvariantCulture)
            && _low.TryFormat(destination[16..], out _, "x16", CultureInfo.InvariantCulture);
        Debug.Assert(ok);
        charsWritten = 32;
        return true;
    }

    /// <summary>Compares two ids for equality.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when both are the same id.</returns>
    public static bool operator ==(JobId left, JobId right) => left.Equals(right);

    /// <summary>Compares two ids for inequality.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when the ids differ.</returns>
    public static bool operator !=(JobId left, JobId right) => !left.Equals(right);

    /// <summary>Tells whether one id was created before another.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts before <paramref name="right"/>.</returns>
    public static bool operator <(JobId left, JobId right) => left.CompareTo(right) < 0;

    /// <summary>Tells whether one id was created after another.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts after <paramref name="right"/>.</returns>
    public static bool operator >(JobId left, JobId right) => left.CompareTo(right) > 0;

    /// <summary>Tells whether one id sorts before or equal to another.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> is not after <paramref name="right"/>.</returns>
    public static bool operator <=(JobId left, JobId right) => left.CompareTo(right) <= 0;

    /// <summary>Tells whether one id sorts after or equal to another.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> is not before <paramref name="right"/>.</returns>
    public static bool operator >=(JobId left, JobId right) => left.CompareTo(right) >= 0;

    private static ulong CreatePrefix()
    {
        // The process start time keeps ids from different runs in creation order; the random bits keep
        // two processes started in the same millisecond apart.
        var startMs = (ulong)TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        return (startMs << 16) | (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
    }
}
