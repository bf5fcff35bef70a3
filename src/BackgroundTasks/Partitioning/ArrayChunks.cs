namespace BackgroundTasks;

/// <summary>Runs an item body over a chunk of an array.</summary>
internal struct ArrayChunks<T, TItem, TLocal>(T[] array, TItem item) : IChunkBody<TLocal>
    where TItem : struct, IItemBody<T, TLocal>
{
    private TItem _item = item;

    public TLocal Init() => _item.Init();

    public TLocal Run(long start, long end, TLocal local)
    {
        // The span constructor, unlike AsSpan, accepts a covariant array (a string[] seen as object[]).
        foreach (var value in new ReadOnlySpan<T>(array, (int)start, (int)(end - start)))
        {
            local = _item.Invoke(value, local);
        }

        return local;
    }
}
