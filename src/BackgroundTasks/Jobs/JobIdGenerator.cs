using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;

namespace BackgroundTasks;

/// <summary>
/// Makes <see cref="JobId"/>s in creation order, within a process and across processes and hosts, for the
/// price of a coarse clock read and an interlocked increment: no system call per id.
/// </summary>
/// <remarks>
/// <para>
/// The high 64 bits are a Unix-millisecond timestamp shifted left by <see cref="SequenceBits"/>, plus a
/// sequence within that millisecond; both live in one counter (<see cref="_last"/>). Each id takes the
/// counter's next value, after the counter has been raised to the current millisecond if it was behind. So
/// ids are unique and strictly increasing in a process whatever the clock does: when the clock stands still
/// or steps back, the sequence goes on counting; when more than 65,536 ids are made in one millisecond, the
/// sequence carries into the timestamp, which runs ahead of the clock until the clock catches up.
/// </para>
/// <para>
/// The low 64 bits are random, drawn once per generator (once per process), and keep two processes that
/// stamp the same millisecond apart.
/// </para>
/// <para>
/// The clock is <see cref="Environment.TickCount64"/> (a monotonic, coarse clock: 1-4 ms on Linux, about
/// 16 ms on Windows; about 4 ns to read where <see cref="Stopwatch.GetTimestamp"/> takes about 22 ns)
/// offset by the wall clock read once at start. Wall-clock steps after start do not move it.
/// </para>
/// </remarks>
internal sealed class JobIdGenerator
{
    /// <summary>The number of low bits of the high word that count ids within one millisecond.</summary>
    public const int SequenceBits = 16;

    /// <summary>The process's generator, behind <see cref="JobId.NewId"/>.</summary>
    public static readonly JobIdGenerator Shared = new(
        TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - Environment.TickCount64,
        BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(sizeof(ulong))));

    private readonly long _clockOffset;
    private readonly ulong _node;

    private long _last;

    /// <summary>Initializes a new instance of the <see cref="JobIdGenerator"/> class.</summary>
    /// <param name="clockOffset">Unix milliseconds minus <see cref="Environment.TickCount64"/>, read once.</param>
    /// <param name="node">The random low 64 bits of every id this generator makes.</param>
    public JobIdGenerator(long clockOffset, ulong node)
    {
        _clockOffset = clockOffset;
        _node = node;
    }

    /// <summary>Gets the low 64 bits of every id this generator makes.</summary>
    public ulong Node => _node;

    /// <summary>Makes an id stamped with the current time.</summary>
    /// <returns>An id greater than every id this generator made before.</returns>
    public JobId NewId() => Next(_clockOffset + Environment.TickCount64);

    /// <summary>Makes an id stamped with <paramref name="unixMilliseconds"/>, or later if an earlier id was stamped later.</summary>
    /// <param name="unixMilliseconds">The clock reading.</param>
    /// <returns>An id greater than every id this generator made before.</returns>
    public JobId Next(long unixMilliseconds)
    {
        Debug.Assert(unixMilliseconds > 0 && unixMilliseconds < 1L << (63 - SequenceBits), "The timestamp fits in 47 bits.");

        // One below the first id of this millisecond; raise the counter to it if the counter is behind. A
        // failed exchange means another thread moved the counter, which only ever goes up: increment anyway.
        var floor = (unixMilliseconds << SequenceBits) - 1;
        var last = Volatile.Read(ref _last);
        if (last < floor)
        {
            Interlocked.CompareExchange(ref _last, floor, last);
        }

        return new JobId((ulong)Interlocked.Increment(ref _last), _node);
    }
}
