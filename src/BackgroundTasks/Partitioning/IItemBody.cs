namespace BackgroundTasks;

/// <summary>Runs one item with a worker's state. Implemented by structs, like <see cref="IChunkBody{TLocal}"/>.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <typeparam name="TLocal">The per-worker state.</typeparam>
internal interface IItemBody<in T, TLocal>
{
    /// <summary>Makes a worker's state, before its first item.</summary>
    TLocal Init();

    /// <summary>Runs one item.</summary>
    TLocal Invoke(T item, TLocal local);
}
