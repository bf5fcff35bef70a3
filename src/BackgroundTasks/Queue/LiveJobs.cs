using System.Collections.Concurrent;

namespace BackgroundTasks;

/// <summary>
/// The accepted jobs that have not finished, by id: what cancel-by-id, wait, watch and the shutdown sweep
/// look up. With the in-memory store the store's own entries carry them, so a job costs one table
/// insert instead of two; with any other store a table of its own holds them.
/// </summary>
internal abstract class LiveJobs
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public static LiveJobs For(IJobStore store)
        => store is InMemoryJobStore memory ? new InStore(memory) : new OwnTable();

    public void Add(JobWorkItem item)
    {
        Interlocked.Increment(ref _count);
        AddCore(item);
    }

    /// <summary>Forgets a finished job. Called once per job.</summary>
    public void Remove(JobWorkItem item)
    {
        Interlocked.Decrement(ref _count);
        RemoveCore(item);
    }

    public abstract bool TryGet(JobId id, out JobWorkItem item);

    public abstract IEnumerable<JobWorkItem> All();

    protected abstract void AddCore(JobWorkItem item);

    protected abstract void RemoveCore(JobWorkItem item);

    private sealed class InStore(InMemoryJobStore store) : LiveJobs
    {
        public override bool TryGet(JobId id, out JobWorkItem item)
        {
            item = (store.GetLiveTag(id) as JobWorkItem)!;
            return item is not null;
        }

        public override IEnumerable<JobWorkItem> All() => store.LiveTags().OfType<JobWorkItem>();

        protected override void AddCore(JobWorkItem item) => store.SetLiveTag(item.Id, item);

        protected override void RemoveCore(JobWorkItem item) => store.SetLiveTag(item.Id, null);
    }

    private sealed class OwnTable : LiveJobs
    {
        // Producers insert and workers remove on every job: more stripes than cores keep them apart.
        private readonly ConcurrentDictionary<JobId, JobWorkItem> _items = new(4 * Environment.ProcessorCount, 1024);

        public override bool TryGet(JobId id, out JobWorkItem item) => _items.TryGetValue(id, out item!);

        public override IEnumerable<JobWorkItem> All() => _items.Values;

        protected override void AddCore(JobWorkItem item) => _items[item.Id] = item;

        protected override void RemoveCore(JobWorkItem item) => _items.TryRemove(item.Id, out _);
    }
}
