namespace BackgroundTasks;

/// <summary>Loops with asynchronous, I/O-bound bodies.</summary>
public static partial class ParallelWork
{
    /// <summary>
    /// Runs <paramref name="body"/> once for every element of <paramref name="source"/>, with up to
    /// <see cref="PartitionOptions.MaxDegreeOfParallelism"/> calls in flight. Workers take one element at a time.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The elements. It must not change while the loop runs.</param>
    /// <param name="body">Runs one element. Its token fires when the options' token fires or another call fails.</param>
    /// <param name="options">Degree, cancellation and progress, or <see langword="null"/> for the defaults. Chunking does not apply.</param>
    /// <returns>A task that completes when every element is done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">The task faults with it when one or more calls of <paramref name="body"/>, or the enumeration, threw.</exception>
    /// <exception cref="OperationCanceledException">The task is cancelled when the options' token fired before the loop finished.</exception>
    public static Task ForEachAsync<T>(IEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return AsyncRun<T>.RunAsync(source, body, options ?? PartitionOptions.Default);
    }

    /// <summary>
    /// Runs <paramref name="body"/> once for every element of an asynchronous sequence, with up to
    /// <see cref="PartitionOptions.MaxDegreeOfParallelism"/> calls in flight. Workers take one element at a time.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="source">The elements; enumerated once, by one worker at a time.</param>
    /// <param name="body">Runs one element. Its token fires when the options' token fires or another call fails.</param>
    /// <param name="options">Degree, cancellation and progress, or <see langword="null"/> for the defaults. Chunking does not apply.</param>
    /// <returns>A task that completes when every element is done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="AggregateException">The task faults with it when one or more calls of <paramref name="body"/>, or the enumeration, threw.</exception>
    /// <exception cref="OperationCanceledException">The task is cancelled when the options' token fired before the loop finished.</exception>
    public static Task ForEachAsync<T>(IAsyncEnumerable<T> source, Func<T, CancellationToken, ValueTask> body, PartitionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        return AsyncRun<T>.RunAsync(source, body, options ?? PartitionOptions.Default);
    }
}
