namespace BackgroundTasks;

/// <summary>Runs an item body over a chunk of an indexable list.</summary>
internal struct ListChunks<T, TItem, TLocal>(IReadOnlyList<T> list, TItem item) : IChunkBody<TLocal>
    where TItem : struct, IItemBody<T, TLocal>
{
    private TItem _item = item;

    public TLocal Init() => _item.Init();

    public TLocal Run(long start, long end, TLocal local)
    {
        for (var i = (int)start; i < (int)end; i++)
        {
            local = _item.Invoke(list[i], local);
        }

        return local;
    }
}
