namespace BackgroundTasks;

/// <summary>Hands each chunk to a body that loops over it itself: one delegate call per chunk, not per item.</summary>
internal readonly struct RangeChunks<TLocal>(int fromInclusive, Func<TLocal>? localInit, Func<int, int, TLocal, TLocal> body) : IChunkBody<TLocal>
{
    public TLocal Init() => localInit is null ? default! : localInit();

    public TLocal Run(long start, long end, TLocal local) => body((int)(fromInclusive + start), (int)(fromInclusive + end), local);
}
