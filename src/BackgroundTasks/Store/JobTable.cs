namespace BackgroundTasks;

/// <summary>
/// A map from job id to a value, split into stripes that each hold a <see cref="Dictionary{TKey, TValue}"/>
/// behind a <see cref="Lock"/>. Unlike <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/>
/// it allocates nothing per entry (a node there costs 48 bytes, a fifth of a job's budget), and producers
/// and workers touching different jobs rarely meet on one lock.
/// </summary>
/// <typeparam name="T">The value.</typeparam>
internal sealed class JobTable<T>
    where T : class
{
    private readonly Stripe[] _stripes;
    private readonly int _mask;

    public JobTable()
    {
        var count = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, Environment.ProcessorCount * 4));
        _stripes = new Stripe[count];
        for (var i = 0; i < count; i++)
        {
            _stripes[i] = new Stripe();
        }

        _mask = count - 1;
    }

    /// <summary>Gets how many values the table holds.</summary>
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var stripe in _stripes)
            {
                lock (stripe.Gate)
                {
                    count += stripe.Items.Count;
                }
            }

            return count;
        }
    }

    public bool TryAdd(JobId id, T value)
    {
        var stripe = StripeOf(id);
        lock (stripe.Gate)
        {
            return stripe.Items.TryAdd(id, value);
        }
    }

    public bool TryGet(JobId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)
    {
        var stripe = StripeOf(id);
        lock (stripe.Gate)
        {
            return stripe.Items.TryGetValue(id, out value);
        }
    }

    /// <summary>Removes an id, but only while it still maps to <paramref name="value"/>.</summary>
    public bool Remove(JobId id, T value)
    {
        var stripe = StripeOf(id);
        lock (stripe.Gate)
        {
            // One lookup: the id almost always maps to the value; when it maps to another, that one goes back.
            if (!stripe.Items.Remove(id, out var current))
            {
                return false;
            }

            if (ReferenceEquals(current, value))
            {
                return true;
            }

            stripe.Items.Add(id, current);
            return false;
        }
    }

    /// <summary>Copies the values; each stripe is copied at one moment, the stripes one after the other.</summary>
    public List<T> Snapshot()
    {
        var all = new List<T>();
        foreach (var stripe in _stripes)
        {
            lock (stripe.Gate)
            {
                all.AddRange(stripe.Items.Values);
            }
        }

        return all;
    }

    // Runs of 64 ids made one after the other share a stripe: a producer adding new jobs and workers removing
    // older ones then mostly take different locks.
    private Stripe StripeOf(JobId id) => _stripes[(id.GetTableHash() >> 6) & _mask];

    private sealed class Stripe
    {
        public readonly Lock Gate = new();
        public readonly Dictionary<JobId, T> Items = [];
    }
}
