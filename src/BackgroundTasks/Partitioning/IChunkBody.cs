namespace BackgroundTasks;

/// <summary>
/// Runs the items of one chunk, given as offsets from the start of the input. Implemented by structs so that
/// the JIT specialises the partitioner's loop for each body and the per-item call is direct.
/// </summary>
/// <typeparam name="TLocal">The per-worker state.</typeparam>
internal interface IChunkBody<TLocal>
{
    /// <summary>Makes a worker's state, before its first chunk.</summary>
    TLocal Init();

    /// <summary>Runs the items from offset <paramref name="start"/> up to, not including, <paramref name="end"/>.</summary>
    TLocal Run(long start, long end, TLocal local);
}
