namespace BackgroundTasks;

/// <summary>
/// Runs <see cref="ParallelWork"/> loops from inside a job: the job's token stops them (as well as the options'
/// token, if set), and their items done and items in all become the job's progress, which the job coalesces
/// into at most one store write per <see cref="BackgroundJobsOptions.ProgressInterval"/> (unless the options
/// name another <see cref="PartitionOptions.Progress"/> target).
/// </summary>
public static partial class JobContextParallelExtensions
{
    /// <summary>Runs <paramref name="body"/> once for every integer in a range, in parallel, reporting the job's progress.</summary>
    /// <param name="context">The running job.</param>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index.</param>
    /// <param name="body">Runs one index; called from several threads at once.</param>
    /// <param name="options">Degree and chunking, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toExclusive"/> is less than <paramref name="fromInclusive"/>.</exception>
    /// <exception cref="AggregateException">One or more calls of <paramref name="body"/> threw.</exception>
    /// <exception cref="OperationCanceledException">The job's token, or the options' token, fired before the loop finished.</exception>
    /// <seealso cref="ParallelWork.For"/>
    public static void ParallelFor(this JobContext context, int fromInclusive, int toExclusive, Action<int> body, PartitionOptions? options = null)
        => ParallelWork.For(fromInclusive, toExclusive, body, ForJob(context, options));

    /// <summary>Runs <paramref name="body"/> over chunks of a range, in parallel, reporting the job's progress; the body loops over its chunk itself.</summary>
    /// <param name="context">The running job.</param>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index.</param>
    /// <param name="body">Runs the indexes from its first argument up to, not including, its second.</param>
    /// <param name="options">Degree and chunking, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toExclusive"/> is less than <paramref name="fromInclusive"/>.</exception>
    /// <exception cref="AggregateException">One or more calls of <paramref name="body"/> threw.</exception>
    /// <exception cref="OperationCanceledException">The job's token, or the options' token, fired before the loop finished.</exception>
    /// <seealso cref="ParallelWork.ForRange"/>
    public static void ParallelForRange(this JobContext context, int fromInclusive, int toExclusive, Action<int, int> body, PartitionOptions? options = null)
        => ParallelWork.ForRange(fromInclusive, toExclusive, body, ForJob(context, options));

    /// <summary>Reduces a range of integers in parallel with a state per worker, reporting the job's progress.</summary>
    /// <typeparam name="TLocal">The state, and the result.</typeparam>
    /// <param name="context">The running job.</param>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index.</param>
    /// <param name="localInit">Makes a worker's state before its first item.</param>
    /// <param name="body">Adds one index to a worker's state and returns the state.</param>
    /// <param name="combine">Merges two states; must be associative and commutative.</param>
    /// <param name="options">Degree and chunking, or <see langword="null"/> for the defaults.</param>
    /// <returns>The merged state of all workers; <paramref name="localInit"/>'s value for an empty range.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toExclusive"/> is less than <paramref name="fromInclusive"/>.</exception>
    /// <exception cref="AggregateException">One or more delegates threw.</exception>
    /// <exception cref="OperationCanceledException">The job's token, or the options' token, fired before the loop finished.</exception>
    public static TLocal ParallelAggregate<TLocal>(this JobContext context, int fromInclusive, int toExclusive, Func<TLocal> localInit, Func<int, TLocal, TLocal> body, Func<TLocal, TLocal, TLocal> combine, PartitionOptions? options = null)
        => ParallelWork.Aggregate(fromInclusive, toExclusive, localInit, body, combine, ForJob(context, options));

    /// <summary>Reduces a range of integers in parallel, a chunk per call, reporting the job's progress.</summary>
    /// <typeparam name="TLocal">The state, and the result.</typeparam>
    /// <param name="context">The running job.</param>
    /// <param name="fromInclusive">The first index.</param>
    /// <param name="toExclusive">One past the last index.</param>
    /// <param name="localInit">Makes a worker's state before its first chunk.</param>
    /// <param name="body">Adds the indexes from its first argument up to, not including, its second to a worker's state and returns the state.</param>
    /// <param name="combine">Merges two states; must be associative and commutative.</param>
    /// <param name="options">Degree and chunking, or <see langword="null"/> for the defaults.</param>
    /// <returns>The merged state of all workers; <paramref name="localInit"/>'s value for an empty range.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toExclusive"/> is less than <paramref name="fromInclusive"/>.</exception>
    /// <exception cref="AggregateException">One or more delegates threw.</exception>
    /// <exception cref="OperationCanceledException">The job's token, or the options' token, fired before the loop finished.</exception>
    public static TLocal ParallelAggregateRange<TLocal>(this JobContext context, int fromInclusive, int toExclusive, Func<TLocal> localInit, Func<int, int, TLocal, TLocal> body, Func<TLocal, TLocal, TLocal> combine, PartitionOptions? options = null)
        => ParallelWork.AggregateRange(fromInclusive, toExclusive, localInit, body, combine, ForJob(context, options));

    /// <summary>Runs <paramref name="body"/> once for every element of <paramref name="source"/>, in parallel, reporting the job's progress.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="context">The running job.</param>
    /// <param name="source">The elements. It must not change while the loop runs.</param>
    /// <param name="body">Runs one element; called from several threads at once.</param>
    /// <param name="options">Degree and chunking, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">One or more calls of <paramref name="body"/>, or the enumeration, threw.</exception>
    /// <exception cref="OperationCanceledException">The job's token, or the options' token, fired before the loop finished.</exception>
    public static void ParallelForEach<T>(this JobContext context, IEnumerable<T> source, Action<T> body, PartitionOptions? options = null)
        => ParallelWork.ForEach(source, body, ForJob(context, options));

    /// <summary>Reduces the elements of <paramref name="source"/> in parallel with a state per worker, reporting the job's progress.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TLocal">The state, and the result.</typeparam>
    /// <param name="context">The running job.</param>
    /// <param name="source">The elements. It must not change while the loop runs.</param>
    /// <param name="localInit">Makes a worker's state before its first element.</param>
    /// <param name="body">Adds one element to a worker's state and returns the state.</param>
    /// <param name="combine">Merges two states; must be associative and commutative.</param>
    /// <param name="options">Degree and chunking, or <see langword="null"/> for the defaults.</param>
    /// <returns>The merged state of all workers; <paramref name="localInit"/>'s value for an empty source.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">One or more delegates, or the enumeration, threw.</exception>
    /// <exception cref="OperationCanceledException">The job's token, or the options' token, fired before the loop finished.</exception>
    public static TLocal ParallelAggregate<T, TLocal>(this JobContext context, IEnumerable<T> source, Func<TLocal> localInit, Func<T, TLocal, TLocal> body, Func<TLocal, TLocal, TLocal> combine, PartitionOptions? options = null)
        => ParallelWork.Aggregate(source, localInit, body, combine, ForJob(context, options));

    /// <summary>Runs an asynchronous <paramref name="body"/> for every element of <paramref name="source"/>, several at once, reporting the job's progress.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="context">The running job.</param>
    /// <param name="source">The elements. It must not change while the loop runs.</param>
    /// <param name="body">Runs one element. Its token fires when the job's token fires or another call fails.</param>
    /// <param name="options">Degree, or <see langword="null"/> for the defaults.</param>
    /// <returns>A task that completes when every element is done.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">The task faults with it when one or more calls of <paramref name="body"/>, or the enumeration, threw.</exception>
    /// <exception cref="OperationCanceledException">The task is cancelled when the job's token, or the options' token, fired before the loop finished.</exception>
    public static Task ParallelForEachAsync<T>(this JobContext context, IEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, PartitionOptions? options = null)
        => ParallelWork.ForEachAsync(source, body, ForJob(context, options));

    /// <summary>Runs an asynchronous <paramref name="body"/> for every element of an asynchronous sequence, several at once, reporting the job's progress (items done; the total is unknown).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="context">The running job.</param>
    /// <param name="source">The elements; enumerated once, by one worker at a time.</param>
    /// <param name="body">Runs one element. Its token fires when the job's token fires or another call fails.</param>
    /// <param name="options">Degree, or <see langword="null"/> for the defaults.</param>
    /// <returns>A task that completes when every element is done.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">The task faults with it when one or more calls of <paramref name="body"/>, or the enumeration, threw.</exception>
    /// <exception cref="OperationCanceledException">The task is cancelled when the job's token, or the options' token, fired before the loop finished.</exception>
    public static Task ParallelForEachAsync<T>(this JobContext context, IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, PartitionOptions? options = null)
        => ParallelWork.ForEachAsync(source, body, ForJob(context, options));

    private static PartitionOptions ForJob(JobContext context, PartitionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (options ?? PartitionOptions.Default).ForJob(context);
    }
}
