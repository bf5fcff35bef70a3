namespace BackgroundTasks;

/// <summary>Runs an item body over a chunk of a <see cref="ReadOnlyMemory{T}"/>.</summary>
internal struct MemoryChunks<T, TItem, TLocal>(ReadOnlyMemory<T> memory, TItem item) : IChunkBody<TLocal>
    where TItem : struct, IItemBody<T, TLocal>
{
    private TItem _item = item;

    public TLocal Init() => _item.Init();

    public TLocal Run(long start, long end, TLocal local)
    {
        foreach (var value in memory.Span.Slice((int)start, (int)(end - start)))
        {
            local = _item.Invoke(value, local);
        }

        return local;
    }
}
