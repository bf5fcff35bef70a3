using System.Collections.Concurrent;

namespace BackgroundTasks;

/// <summary>
/// The accepted jobs that have not finished, by id: what cancel-by-id, wait, watch and the shutdown sweep
/// look up. With the in-memory store the jobs are the store's own entries, so they cost nothing more;
/// with any other store a table of its own holds them.
/// </summary>
internal abstract class LiveJobs
{
    public static LiveJobs For(IJobStore store, Func<JobWorkItem, bool> isOurs)
        => store is InMemoryJobStore memory ? new InStore(memory, isOurs) : new OwnTable();

    /// <summary>Gets the number of live jobs. Not for hot paths.</summary>
    public int Count => All().Count();

    /// <summary>Makes a job findable; with the in-memory store, recording it did that already.</summary>
    public abstract void Add(JobWorkItem item);

    /// <summary>Forgets a finished job. Called once per job.</summary>
    public abstract void Remove(JobWorkItem item);

    public abstract bool TryGet(JobId id, out JobWorkItem item);

    public abstract IEnumerable<JobWorkItem> All();

    private sealed class InStore(InMemoryJobStore store, Func<JobWorkItem, bool> isOurs) : LiveJobs
    {
        public override void Add(JobWorkItem item)
        {
        }

        public override void Remove(JobWorkItem item)
        {
        }

        public override bool TryGet(JobId id, out JobWorkItem item)
        {
            item = (store.TryGetEntry(id, out var entry) ? entry as JobWorkItem : null)!;
            return item is not null && !item.IsSignalled && isOurs(item);
        }

        // A store shared by two hosts holds both hosts' jobs: each engine sees its own.
        public override IEnumerable<JobWorkItem> All()
            => store.Entries().OfType<JobWorkItem>().Where(item => !item.IsSignalled && isOurs(item));
    }

    private sealed class OwnTable : LiveJobs
    {
        // Producers insert and workers remove on every job: more stripes than cores keep them apart.
        private readonly ConcurrentDictionary<JobId, JobWorkItem> _items = new(4 * Environment.ProcessorCount, 1024);

        public override void Add(JobWorkItem item) => _items[item.Id] = item;

        public override void Remove(JobWorkItem item) => _items.TryRemove(item.Id, out _);

        public override bool TryGet(JobId id, out JobWorkItem item) => _items.TryGetValue(id, out item!);

        public override IEnumerable<JobWorkItem> All() => _items.Values;
    }
}
