using System.Runtime.CompilerServices;

namespace BackgroundTasks;

/// <summary>
/// The default of <see cref="IJobStore.AddUniqueAsync"/> for stores that know nothing of keys: this process
/// serialises the adds of unique jobs per store instance, and remembers for each key the last job it added.
/// Right for a store only this process writes to; a store that processes share overrides it.
/// </summary>
internal static class UniqueKeys
{
    private static readonly ConditionalWeakTable<IJobStore, Gate> s_gates = [];

    /// <summary>Checks that a job given to an add of unique jobs has a key.</summary>
    /// <exception cref="ArgumentException">The job has no <see cref="JobRecord.UniqueKey"/>.</exception>
    public static void ThrowIfNoKey(JobRecord job, string paramName)
    {
        if (string.IsNullOrEmpty(job.UniqueKey))
        {
            throw new ArgumentException($"Job {job.Id} has no UniqueKey: AddUniqueAsync needs one. Record a job without a key with AddAsync.", paramName);
        }
    }

    /// <summary>Tells whether a record holds its key: it is not terminal, or it finished at or after <paramref name="finishedSince"/>.</summary>
    public static bool Holds(JobRecord record, DateTimeOffset? finishedSince)
        => !record.Status.IsTerminal() || (finishedSince is { } since && record.FinishedAt >= since);

    public static ValueTask<JobId> AddSerializedAsync(IJobStore store, JobRecord job, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
        => AddSerializedAsync(store, job, finishedSince, static (s, j, _, ct) => s.AddAsync(j, ct), owner: null, cancellationToken);

    public static ValueTask<JobId> AddSerializedAsync(IDurableJobStore store, JobRecord job, string? owner, DateTimeOffset? finishedSince, CancellationToken cancellationToken)
        => AddSerializedAsync(store, job, finishedSince, static (s, j, o, ct) => ((IDurableJobStore)s).AddAsync(j, o, ct), owner, cancellationToken);

    private static async ValueTask<JobId> AddSerializedAsync(
        IJobStore store,
        JobRecord job,
        DateTimeOffset? finishedSince,
        Func<IJobStore, JobRecord, string?, CancellationToken, ValueTask> add,
        string? owner,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ThrowIfNoKey(job, nameof(job));
        var gate = s_gates.GetValue(store, static _ => new Gate());
        await gate.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (gate.Holders.Count >= gate.NextSweep)
            {
                // Before the add, so that a failing read fails the call before anything is recorded.
                await gate.SweepAsync(store, cancellationToken).ConfigureAwait(false);
            }

            var key = job.UniqueKey!;
            if (gate.Holders.TryGetValue(key, out var holder)
                && await store.GetAsync(holder, cancellationToken).ConfigureAwait(false) is { } record
                && Holds(record, finishedSince))
            {
                return holder;
            }

            await add(store, job, owner, cancellationToken).ConfigureAwait(false);
            gate.Holders[key] = job.Id;
            return job.Id;
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public Dictionary<string, JobId> Holders { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets how many keys may be remembered before the next sweep.</summary>
        public int NextSweep { get; private set; } = 1024;

        /// <summary>Forgets keys whose job the store no longer keeps, so that the table stays as small as the store.</summary>
        public async ValueTask SweepAsync(IJobStore store, CancellationToken cancellationToken)
        {
            foreach (var (key, id) in Holders.ToList())
            {
                if (await store.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
                {
                    Holders.Remove(key);
                }
            }

            NextSweep = Math.Max(1024, Holders.Count * 2);
        }
    }
}
