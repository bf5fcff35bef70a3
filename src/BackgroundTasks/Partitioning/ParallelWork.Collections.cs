using System.Runtime.CompilerServices;

namespace BackgroundTasks;

/// <summary>Loops over collections and sequences.</summary>
/// <remarks>
/// An array (or an <see cref="ArraySegment{T}"/>) converts both to <see cref="IEnumerable{T}"/> and to
/// <see cref="ReadOnlyMemory{T}"/>. With a lambda body only the <see cref="IEnumerable{T}"/> overloads can
/// infer <c>T</c>; with a delegate variable or an explicit <c>T</c> both could, so the memory overloads have
/// a higher <see cref="OverloadResolutionPriorityAttribute">priority</see> and win instead of being
/// ambiguous (CS0121). Either way an array runs as index ranges.
/// </remarks>
public static partial class ParallelWork
{
    /// <summary>
    /// Runs <paramref name="body"/> once for every element of <paramref name="source"/>, in parallel. Arrays and
    /// <see cref="IReadOnlyList{T}"/>s are cut into index ranges; other sequences are read in chunks under a lock.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The elements. It must not change while the loop runs.</param>
    /// <param name="body">Runs one element; called from several threads at once.</param>
    /// <param name="options">Degree, chunking, cancellation and progress, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">One or more calls of <paramref name="body"/>, or the enumeration, threw.</exception>
    /// <exception cref="OperationCanceledException">The options' token fired before the loop finished.</exception>
    public static void ForEach<T>(IEnumerable<T> source, Action<T> body, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        RunItems<T, ForItemBody<T>, NoLocal>(source, new(body), options ?? PartitionOptions.Default, combine: null, whenEmpty: null);
    }

    /// <summary>Runs <paramref name="body"/> once for every element of a block of memory, in parallel.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The elements.</param>
    /// <param name="body">Runs one element; called from several threads at once.</param>
    /// <param name="options">Degree, chunking, cancellation and progress, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">One or more calls of <paramref name="body"/> threw.</exception>
    /// <exception cref="OperationCanceledException">The options' token fired before the loop finished.</exception>
    [OverloadResolutionPriority(1)]
    public static void ForEach<T>(ReadOnlyMemory<T> source, Action<T> body, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        IndexRun<MemoryChunks<T, ForItemBody<T>, NoLocal>, NoLocal>.Run(
            new(source, new ForItemBody<T>(body)), source.Length, options ?? PartitionOptions.Default, combine: null, whenEmpty: null);
    }

    /// <summary>Reduces the elements of <paramref name="source"/> in parallel, with a state per worker.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TLocal">The state, and the result.</typeparam>
    /// <param name="source">The elements. It must not change while the loop runs.</param>
    /// <param name="localInit">Makes a worker's state before its first element.</param>
    /// <param name="body">Adds one element to a worker's state and returns the state.</param>
    /// <param name="combine">Merges two states; must be associative and commutative.</param>
    /// <param name="options">Degree, chunking, cancellation and progress, or <see langword="null"/> for the defaults.</param>
    /// <returns>The merged state of all workers; <paramref name="localInit"/>'s value for an empty source.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">One or more delegates, or the enumeration, threw.</exception>
    /// <exception cref="OperationCanceledException">The options' token fired before the loop finished.</exception>
    public static TLocal Aggregate<T, TLocal>(IEnumerable<T> source, Func<TLocal> localInit, Func<T, TLocal, TLocal> body, Func<TLocal, TLocal, TLocal> combine, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(localInit);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(combine);
        return RunItems<T, AggregateItemBody<T, TLocal>, TLocal>(source, new(localInit, body), options ?? PartitionOptions.Default, combine, localInit);
    }

    /// <summary>Reduces the elements of a block of memory in parallel, with a state per worker.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TLocal">The state, and the result.</typeparam>
    /// <param name="source">The elements.</param>
    /// <param name="localInit">Makes a worker's state before its first element.</param>
    /// <param name="body">Adds one element to a worker's state and returns the state.</param>
    /// <param name="combine">Merges two states; must be associative and commutative.</param>
    /// <param name="options">Degree, chunking, cancellation and progress, or <see langword="null"/> for the defaults.</param>
    /// <returns>The merged state of all workers; <paramref name="localInit"/>'s value for an empty source.</returns>
    /// <exception cref="ArgumentNullException">A delegate is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">One or more delegates threw.</exception>
    /// <exception cref="OperationCanceledException">The options' token fired before the loop finished.</exception>
    [OverloadResolutionPriority(1)]
    public static TLocal Aggregate<T, TLocal>(ReadOnlyMemory<T> source, Func<TLocal> localInit, Func<T, TLocal, TLocal> body, Func<TLocal, TLocal, TLocal> combine, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(localInit);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(combine);
        return IndexRun<MemoryChunks<T, AggregateItemBody<T, TLocal>, TLocal>, TLocal>.Run(
            new(source, new AggregateItemBody<T, TLocal>(localInit, body)), source.Length, options ?? PartitionOptions.Default, combine, localInit);
    }

    private static TLocal RunItems<T, TItem, TLocal>(IEnumerable<T> source, TItem item, PartitionOptions options, Func<TLocal, TLocal, TLocal>? combine, Func<TLocal>? whenEmpty)
        where TItem : struct, IItemBody<T, TLocal>
    {
        return source switch
        {
            T[] array => IndexRun<ArrayChunks<T, TItem, TLocal>, TLocal>.Run(new(array, item), array.Length, options, combine, whenEmpty),
            IReadOnlyList<T> list => IndexRun<ListChunks<T, TItem, TLocal>, TLocal>.Run(new(list, item), list.Count, options, combine, whenEmpty),
            _ => EnumerableRun<T, TItem, TLocal>.Run(source, item, options, combine, whenEmpty),
        };
    }
}
