namespace BackgroundTasks;

/// <summary>Runs an item body over the integers of a chunk.</summary>
internal struct IntRangeChunks<TItem, TLocal>(int fromInclusive, TItem item) : IChunkBody<TLocal>
    where TItem : struct, IItemBody<int, TLocal>
{
    private TItem _item = item;

    public TLocal Init() => _item.Init();

    public TLocal Run(long start, long end, TLocal local)
    {
        // Offsets may exceed int.MaxValue (a range from int.MinValue); the sums are within the range.
        var stop = (int)(fromInclusive + end);
        for (var i = (int)(fromInclusive + start); i < stop; i++)
        {
            local = _item.Invoke(i, local);
        }

        return local;
    }
}
