namespace BackgroundTasks;

/// <summary>
/// The <see cref="InMemoryJobStore"/>'s index by id: a hash table whose chains run through the entries
/// themselves (<see cref="JobEntry.NextInBucket"/>), so adding a job allocates nothing, unlike a
/// <c>ConcurrentDictionary</c> node per job.
/// </summary>
/// <remarks>
/// Striped spin locks: an id's stripe depends only on its hash, never on the table's size, so a resize
/// takes every stripe and everything else takes one, for a few loads and stores. Ids made in sequence fall
/// into different stripes, which keeps the producer (adding) and the workers (evicting older jobs) apart;
/// each stripe's lock word and count sit on a cache line of their own.
/// </remarks>
internal sealed class JobEntryTable
{
    private const int StripeCount = 64;

    // Per stripe, 64 bytes: [0] is the lock word, [1] the number of entries.
    private const int Stride = 16;

    private readonly int[] _stripes = new int[StripeCount * Stride];
    private JobEntry?[] _buckets;
    private int _budgetPerStripe;

    public JobEntryTable(int capacity)
    {
        var size = (int)Math.Min(1 << 30, Math.Max(StripeCount, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, capacity))));
        _buckets = new JobEntry?[size];
        _budgetPerStripe = size / StripeCount;
    }

    /// <summary>Gets the number of entries. Takes every stripe in turn: not for hot paths.</summary>
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
        var stripe = hash & (StripeCount - 1);
        bool grow;
        Enter(stripe);
        try
        {
            var buckets = _buckets;
            ref var head = ref buckets[hash & (buckets.Length - 1)];
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
        var hash = Hash(id);
        var stripe = hash & (StripeCount - 1);
        Enter(stripe);
        try
        {
            var buckets = _buckets;
            for (var e = buckets[hash & (buckets.Length - 1)]; e is not null; e = e.NextInBucket)
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
        var hash = Hash(entry.Id);
        var stripe = hash & (StripeCount - 1);
        Enter(stripe);
        try
        {
            var buckets = _buckets;
            ref var link = ref buckets[hash & (buckets.Length - 1)];
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

    /// <summary>Copies the entries, one stripe at a time (a job added meanwhile may or may not be seen).</summary>
    public List<JobEntry> Snapshot()
    {
        var all = new List<JobEntry>();
        for (var stripe = 0; stripe < StripeCount; stripe++)
        {
            Enter(stripe);
            try
            {
                var buckets = _buckets;
                for (var b = stripe; b < buckets.Length; b += StripeCount)
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

        return all;
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

    // Sequential ids differ in their low bits: those spread over stripes and buckets as they are.
    private static int Hash(JobId id) => id.GetTableHash();

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

            var buckets = new JobEntry?[old.Length * 2];
            foreach (var head in old)
            {
                var e = head;
                while (e is not null)
                {
                    var next = e.NextInBucket;
                    ref var slot = ref buckets[Hash(e.Id) & (buckets.Length - 1)];
                    e.NextInBucket = slot;
                    slot = e;
                    e = next;
                }
            }

            _buckets = buckets;
            _budgetPerStripe = buckets.Length / StripeCount;
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
