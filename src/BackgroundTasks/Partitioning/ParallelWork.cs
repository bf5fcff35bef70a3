namespace BackgroundTasks;

/// <summary>
/// Spreads one loop over the cores: a range of integers, a collection or a sequence is cut into chunks that
/// the calling thread and thread-pool workers claim until none are left. Use it inside a job (see
/// <see cref="JobContextParallelExtensions"/>, which also reports the job's progress) or on its own.
/// </summary>
/// <remarks>
/// <para>
/// Every item is run exactly once unless the loop stops early. The calling thread works too, and never
/// waits for a worker that has not started, so a busy thread pool slows the loop down but cannot stall it.
/// </para>
/// <para>
/// When a body throws, no new chunk starts, the chunks already running finish, and the call throws an
/// <see cref="AggregateException"/> holding every exception thrown. When
/// <see cref="PartitionOptions.CancellationToken"/> fires, no new chunk starts and the call throws
/// <see cref="OperationCanceledException"/>.
/// </para>
/// <para>
/// Reductions (<c>Aggregate</c>) give each worker a state of its own, made by <c>localInit</c> before its
/// first item, and merge the states with <c>combine</c> at the end, in no particular order: <c>combine</c>
/// must be associative and commutative (a sum, a count, a histogram merge).
/// </para>
/// </remarks>
public static partial class ParallelWork
{
    /// <summary>Runs <paramref name="body"/> once for every integer from <paramref name="fromInclusive"/> up to <paramref name="toExclusive"/>, in parallel.</summary>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index.</param>
    /// <param name="body">Runs one index; called from several threads at once.</param>
    /// <param name="options">Degree, chunking, cancellation and progress, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toExclusive"/> is less than <paramref name="fromInclusive"/>.</exception>
    /// <exception cref="AggregateException">One or more calls of <paramref name="body"/> threw.</exception>
    /// <exception cref="OperationCanceledException">The options' token fired before the loop finished.</exception>
    public static void For(int fromInclusive, int toExclusive, Action<int> body, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var count = RangeCount(fromInclusive, toExclusive);
        IndexRun<IntRangeChunks<ForItemBody<int>, NoLocal>, NoLocal>.Run(
            new(fromInclusive, new ForItemBody<int>(body)), count, options ?? PartitionOptions.Default, combine: null, whenEmpty: null);
    }

    /// <summary>
    /// Runs <paramref name="body"/> over chunks that together cover every integer from <paramref name="fromInclusive"/>
    /// up to <paramref name="toExclusive"/> once, in parallel. The body loops over its chunk itself, so there is one
    /// delegate call per chunk, not per item: the fastest form for cheap items.
    /// </summary>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index.</param>
    /// <param name="body">Runs the indexes from its first argument up to, not including, its second; called from several threads at once.</param>
    /// <param name="options">Degree, chunking, cancellation and progress, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toExclusive"/> is less than <paramref name="fromInclusive"/>.</exception>
    /// <exception cref="AggregateException">One or more calls of <paramref name="body"/> threw.</exception>
    /// <exception cref="OperationCanceledException">The options' token fired before the loop finished.</exception>
    public static void ForRange(int fromInclusive, int toExclusive, Action<int, int> body, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var count = RangeCount(fromInclusive, toExclusive);
        IndexRun<RangeChunks<NoLocal>, NoLocal>.Run(
            new(fromInclusive, null, (from, to, local) =>
            {
                body(from, to);
                return local;
            }),
            count,
            options ?? PartitionOptions.Default,
            combine: null,
            whenEmpty: null);
    }

    /// <summary>Reduces the integers from <paramref name="fromInclusive"/> up to <paramref name="toExclusive"/> in parallel, with a state per worker.</summary>
    /// <typeparam name="TLocal">The state, and the result.</typeparam>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index.</param>
    /// <param name="localInit">Makes a worker's state before its first item.</param>
    /// <param name="body">Adds one index to a worker's state and returns the state.</param>
    /// <param name="combine">Merges two states; must be associative and commutative.</param>
    /// <param name="options">Degree, chunking, cancellation and progress, or <see langword="null"/> for the defaults.</param>
    /// <returns>The merged state of all workers; <paramref name="localInit"/>'s value for an empty range.</returns>
    /// <exception cref="ArgumentNullException">A delegate is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toExclusive"/> is less than <paramref name="fromInclusive"/>.</exception>
    /// <exception cref="AggregateException">One or more delegates threw.</exception>
    /// <exception cref="OperationCanceledException">The options' token fired before the loop finished.</exception>
    public static TLocal Aggregate<TLocal>(int fromInclusive, int toExclusive, Func<TLocal> localInit, Func<int, TLocal, TLocal> body, Func<TLocal, TLocal, TLocal> combine, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(localInit);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(combine);
        var count = RangeCount(fromInclusive, toExclusive);
        return IndexRun<IntRangeChunks<AggregateItemBody<int, TLocal>, TLocal>, TLocal>.Run(
            new(fromInclusive, new AggregateItemBody<int, TLocal>(localInit, body)), count, options ?? PartitionOptions.Default, combine, localInit);
    }

    /// <summary>
    /// Reduces the integers from <paramref name="fromInclusive"/> up to <paramref name="toExclusive"/> in parallel,
    /// a chunk per call: the body loops over its chunk itself. The fastest form for cheap items.
    /// </summary>
    /// <typeparam name="TLocal">The state, and the result.</typeparam>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index.</param>
    /// <param name="localInit">Makes a worker's state before its first chunk.</param>
    /// <param name="body">Adds the indexes from its first argument up to, not including, its second to a worker's state and returns the state.</param>
    /// <param name="combine">Merges two states; must be associative and commutative.</param>
    /// <param name="options">Degree, chunking, cancellation and progress, or <see langword="null"/> for the defaults.</param>
    /// <returns>The merged state of all workers; <paramref name="localInit"/>'s value for an empty range.</returns>
    /// <exception cref="ArgumentNullException">A delegate is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toExclusive"/> is less than <paramref name="fromInclusive"/>.</exception>
    /// <exception cref="AggregateException">One or more delegates threw.</exception>
    /// <exception cref="OperationCanceledException">The options' token fired before the loop finished.</exception>
    public static TLocal AggregateRange<TLocal>(int fromInclusive, int toExclusive, Func<TLocal> localInit, Func<int, int, TLocal, TLocal> body, Func<TLocal, TLocal, TLocal> combine, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(localInit);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(combine);
        var count = RangeCount(fromInclusive, toExclusive);
        return IndexRun<RangeChunks<TLocal>, TLocal>.Run(
            new(fromInclusive, localInit, body), count, options ?? PartitionOptions.Default, combine, localInit);
    }

    private static long RangeCount(int fromInclusive, int toExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(toExclusive, fromInclusive);
        return (long)toExclusive - fromInclusive;
    }
}
