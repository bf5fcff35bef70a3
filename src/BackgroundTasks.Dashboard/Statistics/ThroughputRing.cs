namespace BackgroundTasks.Dashboard;

/// <summary>
/// Per-minute counts of what happened to jobs in this process over the last <see cref="Minutes"/> minutes:
/// one slot per minute, reused an hour later. Counting is lock-free (an increment on the current slot); a
/// slot is cleared under a lock, once, by the first count of its new minute.
/// </summary>
internal sealed class ThroughputRing(TimeProvider time)
{
    public const int Minutes = 60;

    private const int Kinds = 5;

    private readonly Slot[] _slots = CreateSlots();
    private readonly Lock _resetGate = new();

    public TimeProvider Time { get; } = time;

    /// <summary>Counts <paramref name="count"/> events of one kind in the current minute.</summary>
    public void Add(JobOutcome outcome, long count = 1)
    {
        var minute = CurrentMinute();
        var slot = _slots[minute % Minutes];
        if (Volatile.Read(ref slot.Minute) != minute && !TryReset(slot, minute))
        {
            return; // a reading of the clock an hour older than the slot: nothing to count it in
        }

        Interlocked.Add(ref slot.Counts[(int)outcome], count);
    }

    /// <summary>Gets the last <paramref name="minutes"/> minutes, oldest first, the current (unfinished) minute last.</summary>
    public IReadOnlyList<MinuteCounts> Last(int minutes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minutes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minutes, Minutes);
        var now = CurrentMinute();
        var result = new MinuteCounts[minutes];
        for (var i = 0; i < minutes; i++)
        {
            var minute = now - minutes + 1 + i;
            var slot = _slots[minute % Minutes];
            var start = DateTimeOffset.FromUnixTimeSeconds(minute * 60);
            result[i] = Volatile.Read(ref slot.Minute) == minute
                ? new MinuteCounts(start, Read(slot, JobOutcome.Enqueued), Read(slot, JobOutcome.Succeeded), Read(slot, JobOutcome.Failed), Read(slot, JobOutcome.Cancelled), Read(slot, JobOutcome.Retried))
                : new MinuteCounts(start, 0, 0, 0, 0, 0);
        }

        return result;
    }

    private static long Read(Slot slot, JobOutcome outcome) => Volatile.Read(ref slot.Counts[(int)outcome]);

    private static Slot[] CreateSlots()
    {
        var slots = new Slot[Minutes];
        for (var i = 0; i < Minutes; i++)
        {
            slots[i] = new Slot();
        }

        return slots;
    }

    private long CurrentMinute() => Time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private bool TryReset(Slot slot, long minute)
    {
        lock (_resetGate)
        {
            var current = Volatile.Read(ref slot.Minute);
            if (current == minute)
            {
                return true;
            }

            if (current > minute)
            {
                return false;
            }

            for (var i = 0; i < Kinds; i++)
            {
                Volatile.Write(ref slot.Counts[i], 0);
            }

            Volatile.Write(ref slot.Minute, minute);
            return true;
        }
    }

    private sealed class Slot
    {
        public readonly long[] Counts = new long[Kinds];
        public long Minute = -1;
    }
}
