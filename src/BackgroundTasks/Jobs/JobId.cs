using System.Text.Json.Serialization;

namespace BackgroundTasks;

/// <summary>
/// Identifies one job. Ids are unique and ordered by creation, also across processes and hosts, and cheap
/// to create: no system call per id.
/// </summary>
/// <remarks>
/// <para>
/// An id is 128 bits, written as 32 lowercase hexadecimal digits; the text sorts like the ids. The high
/// 48 bits are the Unix time in milliseconds when the id was made, the next 16 bits count the ids made in
/// that millisecond, and the low 64 bits are random, drawn once per process. So ids made later in one
/// process are always greater (also when the clock stands still or steps back), and ids from different
/// hosts sort by time to the precision of the hosts' clocks: the clock is the system's coarse monotonic
/// clock (1-4 ms on Linux, about 16 ms on Windows), set from the wall clock when the process starts.
/// </para>
/// <para>
/// <see cref="JobId"/> implements <see cref="ISpanParsable{TSelf}"/> and <see cref="IUtf8SpanParsable{TSelf}"/>,
/// so ASP.NET Core binds it from routes and query strings, and System.Text.Json writes it as its text form,
/// also as a dictionary key.
/// </para>
/// </remarks>
[JsonConverter(typeof(JobIdJsonConverter))]
public readonly partial struct JobId
    : IEquatable<JobId>, IComparable<JobId>, ISpanFormattable, IUtf8SpanFormattable, ISpanParsable<JobId>, IUtf8SpanParsable<JobId>
{
    private readonly ulong _high;
    private readonly ulong _low;

    internal JobId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Gets a value indicating whether this is the default, empty id that no job has.</summary>
    public bool IsEmpty => _high == 0 && _low == 0;

    /// <summary>Creates a new, unique id.</summary>
    /// <returns>An id greater than every id created before it in this process.</returns>
    public static JobId NewId() => JobIdGenerator.Shared.NewId();

    /// <summary>Gets the Unix time in milliseconds that the id carries: when it was made, or a little later.</summary>
    internal long UnixMilliseconds => (long)(_high >> JobIdGenerator.SequenceBits);

    /// <inheritdoc/>
    public bool Equals(JobId other) => _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is JobId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>
    /// A hash for the tables of live jobs and in-memory records (<see cref="JobTable{T}"/>): cheap, and ids made
    /// in sequence land in neighbouring stripes. Ids of one millisecond differ by one in their sequence and take consecutive buckets; the
    /// millisecond and the process's random bits, mixed by a multiplication, pick where each run starts, so
    /// ids made one per millisecond (all with sequence 0) still spread over the whole table.
    /// </summary>
    internal int GetTableHash()
    {
        const ulong Mixer = 0x9E3779B97F4A7C15; // 2^64 / golden ratio: spreads neighbouring inputs far apart
        var sequence = (uint)_high & ((1u << JobIdGenerator.SequenceBits) - 1);
        var runStart = (uint)((((_high >> JobIdGenerator.SequenceBits) ^ _low) * Mixer) >> 32);
        return (int)(runStart + sequence);
    }

    /// <inheritdoc/>
    public int CompareTo(JobId other)
    {
        var byHigh = _high.CompareTo(other._high);
        return byHigh != 0 ? byHigh : _low.CompareTo(other._low);
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

}
