namespace BackgroundTasks;

/// <summary>
/// The <see cref="InMemoryJobStore"/>'s index by id: a hash table whose chains run through the entries
/// themselves (<see cref="JobEntry.NextInBucket"/>), so adding a job allocates nothing, unlike a
/// <c>ConcurrentDictionary</c> node per job.
/// </summary>
/// <remarks>
/// Striped locks: an id's stripe depends only on its hash, never on the table's size, so a resize takes
/// every stripe and everything else takes one. Ids made in sequence fall into different stripes, which
/// keeps the producer (adding) and the workers (evicting older jobs) apart.
/// </remarks>
internal sealed class JobEntryTable
{
    private const int StripeCount = 64;

    private readonly Lock[] _stripes = new Lock[StripeCount];
    private readonly int[] _counts = new int[StripeCount];
    private JobEntry?[] _buckets;
    private int _budgetPerStripe;

    public JobEntryTable(int capacity)
    {
        for (var i = 0; i < StripeCount; i++)
        {
            _stripes[i] = new Lock();
        }

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
                lock (_stripes[i])
                {
                    count += _counts[i];
                }
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
        lock (_stripes[stripe])
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
            grow = ++_counts[stripe] > _budgetPerStripe;
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
        lock (_stripes[hash & (StripeCount - 1)])
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

        entry = null!;
        return false;
    }

    /// <summary>Removes this very entry, if the table holds it.</summary>
    public bool Remove(JobEntry entry)
    {
        var hash = Hash(entry.Id);
        var stripe = hash & (StripeCount - 1);
        lock (_stripes[stripe])
        {
            var buckets = _buckets;
            ref var link = ref buckets[hash & (buckets.Length - 1)];
            while (link is { } e)
            {
                if (ReferenceEquals(e, entry))
                {
                    link = e.NextInBucket;
                    e.NextInBucket = null;
                    _counts[stripe]--;
                    return true;
                }

                link = ref e.NextInBucket!;
            }
        }

        return false;
    }

    /// <summary>Copies the entries, one stripe at a time (a job added meanwhile may or may not be seen).</summary>
    public List<JobEntry> Snapshot()
    {
        var all = new List<JobEntry>();
        for (var stripe = 0; stripe < StripeCount; stripe++)
        {
            lock (_stripes[stripe])
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
        }

        return all;
    }

    // Sequential ids differ in their low bits: those spread over stripes and buckets as they are.
    private static int Hash(JobId id) => id.GetTableHash();

    private void Grow()
    {
        var taken = 0;
        try
        {
            for (; taken < StripeCount; taken++)
            {
                _stripes[taken].Enter();
            }

            var old = _buckets;
            if (old.Length >= 1 << 30 || Array.IndexOf(_counts, _counts.Max()) is var fullest && _counts[fullest] <= _budgetPerStripe)
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
                _stripes[i].Exit();
            }
        }
    }
}
