namespace BackgroundTasks;

/// <summary>An item body that threads a worker's state through every item.</summary>
internal readonly struct AggregateItemBody<T, TLocal>(Func<TLocal> localInit, Func<T, TLocal, TLocal> body) : IItemBody<T, TLocal>
{
    public TLocal Init() => localInit();

    public TLocal Invoke(T item, TLocal local) => body(item, local);
}
