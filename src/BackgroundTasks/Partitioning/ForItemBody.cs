namespace BackgroundTasks;

/// <summary>An item body without state: an <see cref="Action{T}"/>.</summary>
internal readonly struct ForItemBody<T>(Action<T> body) : IItemBody<T, NoLocal>
{
    public NoLocal Init() => default;

    public NoLocal Invoke(T item, NoLocal local)
    {
        body(item);
        return local;
    }
}
