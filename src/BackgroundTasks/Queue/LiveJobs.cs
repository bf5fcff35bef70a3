namespace BackgroundTasks;

/// <summary>
/// The jobs alive in this engine, by id: what cancel, wait and watch by id, the claim loops and the shutdown
/// sweep look up. The store adapter chooses the kind once, at start-up: a table of its own, or (the in-memory
/// store) a slot on each store entry, which saves a second table's lock and lookup on every job.
/// </summary>
internal abstract class LiveJobs
{
    public abstract int Count { get; }

    public abstract bool TryAdd(JobId id, LiveJob job);

    public abstract bool TryGet(JobId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LiveJob? job);

    /// <summary>Forgets a job, but only while the id still maps to <paramref name="job"/>.</summary>
    public abstract bool Remove(JobId id, LiveJob job);

    public abstract List<LiveJob> Snapshot();

    /// <summary>Live jobs in a table of their own.</summary>
    public sealed class Table : LiveJobs
    {
        private readonly JobTable<LiveJob> _jobs = new();

        public override int Count => _jobs.Count;

        public override bool TryAdd(JobId id, LiveJob job) => _jobs.TryAdd(id, job);

        public override bool TryGet(JobId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LiveJob? job) => _jobs.TryGet(id, out job);

        public override bool Remove(JobId id, LiveJob job) => _jobs.Remove(id, job);

        public override List<LiveJob> Snapshot() => _jobs.Snapshot();
    }

    /// <summary>Live jobs on the in-memory store's entries (<see cref="InMemoryEntry.Live"/>), for the one engine that owns those slots.</summary>
    public sealed class OnEntries(InMemoryJobStore memory) : LiveJobs
    {
        public override int Count => Snapshot().Count;

        public override bool TryAdd(JobId id, LiveJob job)
        {
            var entry = job.StoreHandle as InMemoryEntry;
            return (entry is not null || memory.TryGetEntry(id, out entry)) && entry.TrySetLive(job);
        }

        public override bool TryGet(JobId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LiveJob? job)
        {
            job = memory.TryGetEntry(id, out var entry) ? entry.Live as LiveJob : null;
            return job is not null;
        }

        public override bool Remove(JobId id, LiveJob job)
            => (job.StoreHandle as InMemoryEntry ?? (memory.TryGetEntry(id, out var entry) ? entry : null))?.TryClearLive(job) == true;

        public override List<LiveJob> Snapshot()
        {
            var live = new List<LiveJob>();
            foreach (var entry in memory.Entries())
            {
                if (entry.Live is LiveJob job)
                {
                    live.Add(job);
                }
            }

            return live;
        }
    }
}
