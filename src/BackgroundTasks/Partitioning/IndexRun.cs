namespace BackgroundTasks;

/// <summary>
/// A loop over offsets 0 to <c>count</c> (a range, an array, a list or a memory block). Workers claim chunks
/// from one shared index with an interlocked operation, so no chunk is run twice and none is lost.
/// </summary>
/// <typeparam name="TBody">The chunk body; a struct, so the loop is specialised for it.</typeparam>
/// <typeparam name="TLocal">The per-worker state.</typeparam>
internal sealed class IndexRun<TBody, TLocal> : ParallelRun<TLocal>
    where TBody : struct, IChunkBody<TLocal>
{
    private readonly long _count;
    private readonly long _chunk;
    private readonly long _minChunk;
    private readonly int _divisor;
    private readonly bool _guided;
    private TBody _body;
    private long _next;

    private IndexRun(TBody body, long count, long chunk, long minChunk, int divisor, bool guided, PartitionOptions options, Func<TLocal, TLocal, TLocal>? combine)
        : base(options, combine, ProgressTracker.Create(options, count))
    {
        _body = body;
        _count = count;
        _chunk = chunk;
        _minChunk = minChunk;
        _divisor = divisor;
        _guided = guided;
    }

    /// <summary>Runs <paramref name="body"/> over offsets 0 to <paramref name="count"/>.</summary>
    public static TLocal Run(TBody body, long count, PartitionOptions options, Func<TLocal, TLocal, TLocal>? combine, Func<TLocal>? whenEmpty)
    {
        options.ThrowIfCancellationRequested();
        if (count == 0)
        {
            ProgressTracker.Create(options, 0)?.Add(0);
            return Empty(whenEmpty);
        }

        var min = options.MinChunkSize;
        int degree;
        long chunk = 0;
        long minChunk = 1;
        var guided = false;
        switch (options.Chunking)
        {
            case PartitionChunking.Static:
                degree = options.EffectiveDegree(count);
                chunk = Math.Max(CeilDiv(count, degree), min);
                degree = options.EffectiveDegree(CeilDiv(count, chunk));
                break;
            case PartitionChunking.Dynamic:
                degree = options.EffectiveDegree(count);
                chunk = min > 0 ? min : DynamicChunk(count, degree);
                degree = options.EffectiveDegree(CeilDiv(count, chunk));
                break;
            default:
                guided = true;
                minChunk = Math.Max(1, min);
                degree = options.EffectiveDegree(CeilDiv(count, minChunk));

                // No claim larger than a dynamic chunk: a worker slowed down while it holds a quarter of the
                // input (a busy neighbour on a VM, a core shared with other work) would hold everyone up.
                chunk = Math.Max(minChunk, DynamicChunk(count, degree));
                break;
        }

        var run = new IndexRun<TBody, TLocal>(body, count, chunk, minChunk, 2 * degree, guided, options, combine);
        return run.Run(degree, whenEmpty);
    }

    protected override void Work(ref TLocal local, ref bool hasLocal)
    {
        var progress = Progress;
        while (!ShouldStop && TryClaim(out var start, out var end))
        {
            if (!hasLocal)
            {
                local = _body.Init();
                hasLocal = true;
            }

            local = _body.Run(start, end, local);
            progress?.Add(end - start);
        }
    }

    private static long CeilDiv(long value, long divisor) => ((value - 1) / divisor) + 1;

    /// <summary>About 32 chunks per worker, at most 16 Ki items each.</summary>
    private static long DynamicChunk(long count, int degree) => Math.Clamp(count / (degree * 32L), 1, 16 * 1024);

    private bool TryClaim(out long start, out long end)
    {
        if (!_guided)
        {
            // The index may run past the count by a chunk per worker; a long does not overflow.
            end = Interlocked.Add(ref _next, _chunk);
            start = end - _chunk;
            if (start >= _count)
            {
                return false;
            }

            end = Math.Min(end, _count);
            return true;
        }

        while (true)
        {
            start = Volatile.Read(ref _next);
            var left = _count - start;
            if (left <= 0)
            {
                end = start;
                return false;
            }

            var size = Math.Min(left, Math.Max(_minChunk, Math.Min(_chunk, left / _divisor)));
            end = start + size;
            if (Interlocked.CompareExchange(ref _next, end, start) == start)
            {
                return true;
            }
        }
    }
}
