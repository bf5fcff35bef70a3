using System.Numerics;

namespace BackgroundTasks;

/// <summary>
/// The <see cref="InMemoryJobStore"/>'s index by id: a hash table whose chains run through the entries
/// themselves (<see cref="JobEntry.NextInBucket"/>), so adding a job allocates nothing, unlike a
/// <c>ConcurrentDictionary</c> node per job.
/// </summary>
/// <remarks>
/// <para>
/// Striped spin locks, each guarding a contiguous 64th of the buckets. Ids made in sequence hash to
/// neighbouring buckets, so the producer adding new jobs keeps to one stripe for a long run, and the
/// workers evicting jobs finished long before keep to another: each stripe's lock word and count (on a
/// cache line of their own) change cores once per run, not once per job, as they did when sequential ids
/// went round every stripe in turn.
/// </para>
/// <para>
/// A bucket's stripe depends on the table's size, so an operation checks, once it holds its stripe, that
/// the table did not grow meanwhile (growing takes every stripe), and starts again if it did.
/// </para>
/// </remarks>
internal sealed class JobEntryTable
{
    private const int StripeBits = 6;
    private const int StripeCount = 1 << StripeBits;

    // Per stripe, 64 bytes: [0] is the lock word, [1] the number of entries.
    private const int Stride = 16;

    private readonly int[] _stripes = new int[StripeCount * Stride];
    private JobEntry?[] _buckets;
    private int _budgetPerStripe;

    public JobEntryTable(int capacity)
    {
        var size = (int)Math.Min(1 << 30, Math.Max(StripeCount, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, capacity))));
        _buckets = new JobEntry?[size];
        _budgetPerStripe = size / StripeCount;
    }

    /// <summary>Gets the number of entries. Reads every stripe's count in turn: not for hot paths.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            for (var i = 0; i < StripeCount; i++)
            {
                count += Volatile.Read(ref _stripes[(i * Stride) + 1]);
            }

            return count;
        }
    }

    /// <summary>Adds an entry unless one with the same id is there.</summary>
    public bool TryAdd(JobEntry entry)
    {
        var hash = Hash(entry.Id);
        bool grow;
        var buckets = EnterStripeOf(hash, out var stripe, out var bucket);
        try
        {
            ref var head = ref buckets[bucket];
            for (var e = head; e is not null; e = e.NextInBucket)
            {
                if (e.Id == entry.Id)
                {
                    return false;
                }
            }

            entry.NextInBucket = head;
            head = entry;
            grow = ++_stripes[(stripe * Stride) + 1] > _budgetPerStripe;
        }
        finally
        {
            Exit(stripe);
        }

        if (grow)
        {
            Grow();
        }

        return true;
    }

    public bool TryGet(JobId id, out JobEntry entry)
    {
        var buckets = EnterStripeOf(Hash(id), out var stripe, out var bucket);
        try
        {
            for (var e = buckets[bucket]; e is not null; e = e.NextInBucket)
            {
                if (e.Id == id)
                {
                    entry = e;
                    return true;
                }
            }
        }
        finally
        {
            Exit(stripe);
        }

        entry = null!;
        return false;
    }

    /// <summary>Removes this very entry, if the table holds it.</summary>
    public bool Remove(JobEntry entry)
    {
        var buckets = EnterStripeOf(Hash(entry.Id), out var stripe, out var bucket);
        try
        {
            ref var link = ref buckets[bucket];
            while (link is { } e)
            {
                if (ReferenceEquals(e, entry))
                {
                    link = e.NextInBucket;
                    e.NextInBucket = null;
                    _stripes[(stripe * Stride) + 1]--;
                    return true;
                }

                link = ref e.NextInBucket!;
            }
        }
        finally
        {
            Exit(stripe);
        }

        return false;
    }

    /// <summary>
    /// Copies the entries, one stripe at a time (a job added or removed meanwhile may or may not be seen);
    /// starts again if the table grew meanwhile, since growing moves entries between stripes.
    /// </summary>
    public List<JobEntry> Snapshot()
    {
        var all = new List<JobEntry>();
        while (true)
        {
            var buckets = Volatile.Read(ref _buckets);
            var perStripe = buckets.Length >> StripeBits;
            var stripe = 0;
            for (; stripe < StripeCount; stripe++)
            {
                Enter(stripe);
                try
                {
                    if (!ReferenceEquals(buckets, _buckets))
                    {
                        break;
                    }

                    var end = (stripe + 1) * perStripe;
                    for (var b = stripe * perStripe; b < end; b++)
                    {
                        for (var e = buckets[b]; e is not null; e = e.NextInBucket)
                        {
                            all.Add(e);
                        }
                    }
                }
                finally
                {
                    Exit(stripe);
                }
            }

            if (stripe == StripeCount)
            {
                return all;
            }

            all.Clear();
        }
    }

    // Sequential ids differ in their low bits: those pick neighbouring buckets as they are.
    private static int Hash(JobId id) => id.GetTableHash();

    private static int StripeOf(int bucket, int length) => bucket >> (BitOperations.Log2((uint)length) - StripeBits);

    /// <summary>Takes the stripe that guards the hash's bucket in the current table, and returns that table.</summary>
    private JobEntry?[] EnterStripeOf(int hash, out int stripe, out int bucket)
    {
        while (true)
        {
            var buckets = Volatile.Read(ref _buckets);
            bucket = hash & (buckets.Length - 1);
            stripe = StripeOf(bucket, buckets.Length);
            Enter(stripe);
            if (ReferenceEquals(buckets, _buckets))
            {
                return buckets;
            }

            // The table grew between the look and the lock: the bucket may now belong to another stripe.
            Exit(stripe);
        }
    }

    private void Enter(int stripe)
    {
        ref var word = ref _stripes[stripe * Stride];
        if (Interlocked.CompareExchange(ref word, 1, 0) != 0)
        {
            EnterContended(ref word);
        }
    }

    private static void EnterContended(ref int word)
    {
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Volatile.Read(ref word) != 0 || Interlocked.CompareExchange(ref word, 1, 0) != 0);
    }

    private void Exit(int stripe) => Volatile.Write(ref _stripes[stripe * Stride], 0);

    private void Grow()
    {
        var taken = 0;
        try
        {
            var fullest = 0;
            for (; taken < StripeCount; taken++)
            {
                Enter(taken);
                fullest = Math.Max(fullest, _stripes[(taken * Stride) + 1]);
            }

            var old = _buckets;
            if (old.Length >= 1 << 30 || fullest <= _budgetPerStripe)
            {
                // Another thread grew the table first.
                return;
            }

            // Every stripe now guards other buckets: count again while moving the entries.
            Span<int> counts = stackalloc int[StripeCount];
            var buckets = new JobEntry?[old.Length * 2];
            foreach (var head in old)
            {
                var e = head;
                while (e is not null)
                {
                    var next = e.NextInBucket;
                    var bucket = Hash(e.Id) & (buckets.Length - 1);
                    ref var slot = ref buckets[bucket];
                    e.NextInBucket = slot;
                    slot = e;
                    counts[StripeOf(bucket, buckets.Length)]++;
                    e = next;
                }
            }

            for (var i = 0; i < StripeCount; i++)
            {
                _stripes[(i * Stride) + 1] = counts[i];
            }

            _budgetPerStripe = buckets.Length / StripeCount;
            Volatile.Write(ref _buckets, buckets);
        }
        finally
        {
            for (var i = 0; i < taken; i++)
            {
                Exit(i);
            }
        }
    }
}
