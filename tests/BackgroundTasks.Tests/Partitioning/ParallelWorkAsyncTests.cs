using System.Runtime.CompilerServices;

namespace BackgroundTasks.Tests.Partitioning;

[TestFixture]
[CancelAfter(30000)]
public class ParallelWorkAsyncTests
{
    private static readonly string[] s_twoItemErrors = ["item 0", "item 1"];

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(7919)]
    public async Task ForEachAsync_EverySourceKind_RunsEachElementExactlyOnce(int size, CancellationToken cancellationToken)
    {
        var options = new PartitionOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
        var sources = new (string Kind, int[] Hits, Func<int[], Task> Run)[]
        {
            ("list", new int[size], hits => ParallelWork.ForEachAsync(Enumerable.Range(0, size).ToArray(), (i, _) => Hit(hits, i), options)),
            ("sequence", new int[size], hits => ParallelWork.ForEachAsync(Yield(size), (i, _) => Hit(hits, i), options)),
            ("async sequence", new int[size], hits => ParallelWork.ForEachAsync(YieldAsync(size), (i, _) => Hit(hits, i), options)),
        };

        foreach (var (kind, hits, run) in sources)
        {
            await run(hits);
            Assert.That(hits.Where(static h => h != 1), Is.Empty, kind);
        }
    }

    [Test]
    public async Task ForEachAsync_MaxDegree_ReachedAndNeverExceeded(CancellationToken cancellationToken)
    {
        const int degree = 3;
        var running = 0;
        var peak = 0;
        var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await ParallelWork.ForEachAsync(Enumerable.Range(0, 30), async (_, token) =>
        {
            var now = Interlocked.Increment(ref running);
            lock (allIn)
            {
                peak = Math.Max(peak, now);
            }

            if (now == degree)
            {
                allIn.TrySetResult();
            }

            // The first items wait until the degree is reached, which proves it can be.
            await allIn.Task.WaitAsync(token);
            Interlocked.Decrement(ref running);
        }, new PartitionOptions { MaxDegreeOfParallelism = degree, CancellationToken = cancellationToken });

        Assert.That(peak, Is.EqualTo(degree));
    }

    [Test]
    public async Task ForEachAsync_TwoBodiesThrow_ThrowsAggregateWithBothAndCancelsOthers(CancellationToken cancellationToken)
    {
        var started = 0;
        var bothIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var othersCancelled = 0;

        var run = ParallelWork.ForEachAsync(Enumerable.Range(0, 100), async (i, token) =>
        {
            if (i < 2)
            {
                if (Interlocked.Increment(ref started) == 2)
                {
                    bothIn.TrySetResult();
                }

                await bothIn.Task.WaitAsync(cancellationToken);
                throw new InvalidOperationException($"item {i}");
            }

            try
            {
                await Task.Yield();
                await new TaskCompletionSource().Task.WaitAsync(token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref othersCancelled);
                throw;
            }
        }, new PartitionOptions { MaxDegreeOfParallelism = 3, CancellationToken = cancellationToken });

        var thrown = Assert.ThrowsAsync<AggregateException>(() => run);

        Assert.That(thrown!.InnerExceptions.Select(static e => e.Message), Is.EquivalentTo(s_twoItemErrors));
        Assert.That(othersCancelled, Is.LessThanOrEqualTo(1), "the third worker's body saw its token fire; no new item started");
    }

    [Test]
    public async Task ForEachAsync_TokenFires_ThrowsOperationCanceled(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ran = 0;

        var run = ParallelWork.ForEachAsync(YieldAsync(1000, CancellationToken.None), async (_, token) =>
        {
            if (Interlocked.Increment(ref ran) == 5)
            {
                await cts.CancelAsync();
            }

            await Task.Yield();
            token.ThrowIfCancellationRequested();
        }, new PartitionOptions { CancellationToken = cts.Token });

        Assert.That(() => run, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(ran, Is.LessThan(1000));
    }

    [Test]
    public async Task ForEachAsync_WithProgress_EndsAtTotal(CancellationToken cancellationToken)
    {
        var progress = new RecordingProgress();

        await ParallelWork.ForEachAsync(Enumerable.Range(0, 50), static (_, _) => ValueTask.CompletedTask, new PartitionOptions { Progress = progress, CancellationToken = cancellationToken });

        Assert.That(progress.Reports[^1], Is.EqualTo(new JobProgress(100, null, 50, 50)));
    }

    private static ValueTask Hit(int[] hits, int i)
    {
        Interlocked.Increment(ref hits[i]);
        return ValueTask.CompletedTask;
    }

    private static IEnumerable<int> Yield(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> YieldAsync(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 100 == 0)
            {
                await Task.Yield();
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }
}
