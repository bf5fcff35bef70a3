namespace BackgroundTasks;

/// <summary>How <see cref="ParallelWork"/> spreads one loop over the cores.</summary>
public sealed class PartitionOptions
{
    private int _maxDegreeOfParallelism = -1;
    private int _minChunkSize;

    /// <summary>Gets or sets how many threads may run the body at once, the calling thread included.</summary>
    /// <value>Defaults to -1: one per processor (<see cref="Environment.ProcessorCount"/>). Must be -1 or at least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is 0 or less than -1.</exception>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        set
        {
            if (value is 0 or < -1)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "MaxDegreeOfParallelism must be -1 (one per processor) or at least 1.");
            }

            _maxDegreeOfParallelism = value;
        }
    }

    /// <summary>Gets or sets how the input is cut into chunks.</summary>
    /// <value>Defaults to <see cref="PartitionChunking.Guided"/>.</value>
    public PartitionChunking Chunking { get; set; } = PartitionChunking.Guided;

    /// <summary>
    /// Gets or sets the smallest chunk a worker claims (for <see cref="PartitionChunking.Dynamic"/>, the size of
    /// every chunk). Raise it when one item is so cheap that claiming costs more than the work.
    /// </summary>
    /// <value>Defaults to 0: chosen from the input size and the number of workers. Must not be negative.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MinChunkSize
    {
        get => _minChunkSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(MinChunkSize));
            _minChunkSize = value;
        }
    }

    /// <summary>
    /// Gets or sets the token that stops the loop: no new chunk starts once it fires, and the call throws
    /// <see cref="OperationCanceledException"/>. Asynchronous bodies receive a token that fires with it.
    /// </summary>
    /// <value>Defaults to <see cref="CancellationToken.None"/>.</value>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// Gets or sets where to report items done and items in all (a <see cref="JobContext"/> is one), once per
    /// finished chunk. Reports only move forward. The total is <see langword="null"/> when a sequence cannot
    /// be counted without enumerating it.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: no reports.</value>
    public IProgress<JobProgress>? Progress { get; set; }

    internal static PartitionOptions Default { get; } = new();

    /// <summary>Gets the token of the job these options were copied for, which stops the loop as well.</summary>
    internal CancellationToken JobToken { get; private init; }

    /// <summary>Gets a value indicating whether either token has fired.</summary>
    internal bool IsCancellationRequested => CancellationToken.IsCancellationRequested || JobToken.IsCancellationRequested;

    /// <summary>Throws <see cref="OperationCanceledException"/> for whichever token fired, if one did.</summary>
    internal void ThrowIfCancellationRequested()
    {
        CancellationToken.ThrowIfCancellationRequested();
        JobToken.ThrowIfCancellationRequested();
    }

    /// <summary>Gets the number of workers to use, at most <paramref name="limit"/> and at least 1.</summary>
    internal int EffectiveDegree(long limit)
    {
        var degree = _maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : _maxDegreeOfParallelism;
        return (int)Math.Max(1, Math.Min(degree, limit));
    }

    /// <summary>Copies these options for a job: its progress and its token (linked to this token, if any).</summary>
    internal PartitionOptions ForJob(JobContext context) => new()
    {
        _maxDegreeOfParallelism = _maxDegreeOfParallelism,
        _minChunkSize = _minChunkSize,
        Chunking = Chunking,
        CancellationToken = CancellationToken,
        JobToken = context.CancellationToken,
        Progress = Progress ?? context,
    };
}
