using System.Collections.Concurrent;

namespace BackgroundTasks.Tests.Partitioning;

[TestFixture]
public class ParallelWorkTests
{
    private static readonly string[] s_twoItemErrors = ["item 0", "item 1"];

    // 0, 1, a prime, and sizes larger than any chunk (a static chunk is half of the input on two workers).
    private static readonly int[] s_sizes = [0, 1, 2, 7919, 100_000];

    private static IEnumerable<TestCaseData> ModesAndSizes()
    {
        foreach (var chunking in Enum.GetValues<PartitionChunking>())
        {
            foreach (var size in s_sizes)
            {
                foreach (var minChunk in new[] { 0, 64 })
                {
                    yield return new TestCaseData(chunking, size, minChunk).SetArgDisplayNames($"{chunking}", $"n={size}", $"min={minChunk}");
                }
            }
        }
    }

    [TestCaseSource(nameof(ModesAndSizes))]
    public void For_EveryChunkingAndSize_RunsEachIndexExactlyOnce(PartitionChunking chunking, int size, int minChunk)
    {
        var hits = new int[size];
        const int offset = -17;

        ParallelWork.For(offset, offset + size, i => Interlocked.Increment(ref hits[i - offset]), Options(chunking, minChunk));

        AssertEachOnce(hits);
    }

    [TestCase(2, 1_000_000, 15_625)]
    [TestCase(4, 100_000_000, 16_384)]
    public void ForRange_Guided_NoClaimIsLargerThanADynamicChunk(int degree, int size, int largest)
    {
        // A claim of a quarter of the input would let one slowed-down worker hold up the whole loop.
        var biggest = 0;
        var sizes = new ConcurrentBag<int>();

        ParallelWork.ForRange(0, size, (from, to) =>
        {
            Peak.Raise(ref biggest, to - from);
            sizes.Add(to - from);
        }, new PartitionOptions { MaxDegreeOfParallelism = degree });

        Assert.That(biggest, Is.EqualTo(largest), "the largest claim is one dynamic chunk: size / (32 × workers), at most 16 Ki items");
        Assert.That(sizes.Sum(), Is.EqualTo(size));
        Assert.That(sizes.Min(), Is.LessThan(largest), "the last claims shrink, as guided chunks do");
    }

    [TestCaseSource(nameof(ModesAndSizes))]
    public void ForRange_EveryChunkingAndSize_CoversEachIndexExactlyOnce(PartitionChunking chunking, int size, int minChunk)
    {
        var hits = new int[size];

        ParallelWork.ForRange(5, 5 + size, (from, to) =>
        {
            Assert.That(from, Is.LessThan(to), "a chunk is never empty");
            for (var i = from; i < to; i++)
            {
                Interlocked.Increment(ref hits[i - 5]);
            }
        }, Options(chunking, minChunk));

        AssertEachOnce(hits);
    }

    [TestCaseSource(nameof(ModesAndSizes))]
    public void ForEach_EverySourceKind_RunsEachElementExactlyOnce(PartitionChunking chunking, int size, int minChunk)
    {
        var options = Options(chunking, minChunk);
        var array = Enumerable.Range(0, size).ToArray();
        foreach (var (kind, source) in Sources(array))
        {
            var hits = new int[size];
            ParallelWork.ForEach(source, i => Interlocked.Increment(ref hits[i]), options);
            AssertEachOnce(hits, kind);
        }

        var memoryHits = new int[size];
        ParallelWork.ForEach(new ReadOnlyMemory<int>(array), i => Interlocked.Increment(ref memoryHits[i]), options);
        AssertEachOnce(memoryHits, "memory");
    }

    [TestCaseSource(nameof(ModesAndSizes))]
    public void Aggregate_EveryChunkingAndSize_EqualsSequentialSum(PartitionChunking chunking, int size, int minChunk)
    {
        var options = Options(chunking, minChunk);
        var expected = Enumerable.Range(0, size).Sum(i => (long)i * i);

        var perItem = ParallelWork.Aggregate(0, size, static () => 0L, static (i, sum) => sum + ((long)i * i), static (a, b) => a + b, options);
        var perRange = ParallelWork.AggregateRange(0, size, static () => 0L, static (from, to, sum) =>
        {
            for (var i = from; i < to; i++)
            {
                sum += (long)i * i;
            }

            return sum;
        }, static (a, b) => a + b, options);
        var array = Enumerable.Range(0, size).ToArray();
        var fromMemory = ParallelWork.Aggregate(new ReadOnlyMemory<int>(array), static () => 0L, static (i, sum) => sum + ((long)i * i), static (a, b) => a + b, options);

        Assert.Multiple(() =>
        {
            Assert.That(perItem, Is.EqualTo(expected), "per item");
            Assert.That(perRange, Is.EqualTo(expected), "per range");
            Assert.That(fromMemory, Is.EqualTo(expected), "memory");
            foreach (var (kind, source) in Sources(array))
            {
                Assert.That(ParallelWork.Aggregate(source, static () => 0L, static (i, sum) => sum + ((long)i * i), static (a, b) => a + b, options), Is.EqualTo(expected), kind);
            }
        });
    }

    [Test]
    public void Aggregate_Histogram_EqualsSequentialHistogram()
    {
        var values = Enumerable.Range(0, 50_000).Select(static i => (i * 7919) % 97).ToArray();
        var expected = new int[10];
        foreach (var value in values)
        {
            expected[value % 10]++;
        }

        var initCalls = 0;
        var histogram = ParallelWork.Aggregate(
            values,
            () =>
            {
                Interlocked.Increment(ref initCalls);
                return new int[10];
            },
            static (value, buckets) =>
            {
                buckets[value % 10]++;
                return buckets;
            },
            static (a, b) =>
            {
                for (var i = 0; i < a.Length; i++)
                {
                    a[i] += b[i];
                }

                return a;
            },
            new PartitionOptions { MaxDegreeOfParallelism = 4 });

        Assert.That(histogram, Is.EqualTo(expected));
        Assert.That(initCalls, Is.InRange(1, 4), "one state per worker that ran items");
    }

    [Test]
    public void Aggregate_EmptyRange_ReturnsLocalInit()
    {
        var result = ParallelWork.Aggregate(3, 3, static () => 42L, static (_, sum) => sum + 1, static (a, b) => a + b);
        var fromSequence = ParallelWork.Aggregate(Yield(0), static () => 42L, static (_, sum) => sum + 1, static (a, b) => a + b);

        Assert.That((result, fromSequence), Is.EqualTo((42L, 42L)));
    }

    [Test]
    public void AggregateRange_RangeWiderThanIntMaxValue_CoversItOnce()
    {
        // Offsets past int.MaxValue; the body only counts, so the whole range takes a few seconds at most.
        var count = ParallelWork.AggregateRange(int.MinValue, int.MaxValue, static () => 0L, static (from, to, sum) =>
        {
            Assert.That(from, Is.LessThan(to));
            return sum + ((long)to - from);
        }, static (a, b) => a + b);

        Assert.That(count, Is.EqualTo((long)int.MaxValue - int.MinValue));
    }

    [Test]
    public void For_ToBeforeFrom_ThrowsArgumentOutOfRange()
    {
        Assert.That(() => ParallelWork.For(5, 4, static _ => { }), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Options_InvalidValues_Throw()
    {
        var options = new PartitionOptions();
        Assert.Multiple(() =>
        {
            Assert.That(() => options.MaxDegreeOfParallelism = 0, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => options.MaxDegreeOfParallelism = -2, Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => options.MinChunkSize = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [TestCase(PartitionChunking.Guided)]
    [TestCase(PartitionChunking.Dynamic)]
    [TestCase(PartitionChunking.Static)]
    public void For_TwoChunksThrow_ThrowsAggregateWithBothErrors(PartitionChunking chunking)
    {
        // Two workers, two items: each item waits (bounded) until the other has started, then both throw.
        using var bothStarted = new Barrier(2);
        var options = new PartitionOptions { MaxDegreeOfParallelism = 2, Chunking = chunking };

        var thrown = Assert.Throws<AggregateException>(() => ParallelWork.For(0, 2, i =>
        {
            if (!bothStarted.SignalAndWait(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException("The second worker did not start within 10 s.");
            }

            throw new InvalidOperationException($"item {i}");
        }, options));

        Assert.That(thrown!.InnerExceptions.Select(static e => e.Message), Is.EquivalentTo(s_twoItemErrors));
    }

    [Test]
    public void For_BodyThrows_StopsOtherChunks()
    {
        const int size = 1_000_000;
        var ran = 0;
        var options = new PartitionOptions { Chunking = PartitionChunking.Dynamic, MinChunkSize = 100 };

        var thrown = Assert.Throws<AggregateException>(() => ParallelWork.For(0, size, i =>
        {
            Interlocked.Increment(ref ran);
            if (i == 0)
            {
                throw new InvalidOperationException("boom");
            }
        }, options));

        Assert.That(thrown!.InnerExceptions, Has.Count.EqualTo(1).And.All.TypeOf<InvalidOperationException>());
        Assert.That(ran, Is.LessThan(size / 2), "workers claim no new chunk after the first failure");
    }

    [Test]
    public void ForEach_EnumerationThrows_ThrowsAggregate()
    {
        static IEnumerable<int> Broken()
        {
            yield return 1;
            throw new InvalidDataException("bad source");
        }

        var thrown = Assert.Throws<AggregateException>(() => ParallelWork.ForEach(Broken(), static _ => { }));

        Assert.That(thrown!.InnerExceptions, Has.Count.EqualTo(1).And.All.TypeOf<InvalidDataException>());
    }

    [Test]
    public void For_TokenFiresMidway_ThrowsOperationCanceledAndStops()
    {
        const int size = 1_000_000;
        using var cts = new CancellationTokenSource();
        var ran = 0;
        var options = new PartitionOptions { CancellationToken = cts.Token, Chunking = PartitionChunking.Dynamic, MinChunkSize = 100 };

        Assert.That(() => ParallelWork.For(0, size, i =>
        {
            if (Interlocked.Increment(ref ran) == 10)
            {
                cts.Cancel();
            }
        }, options), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(ran, Is.LessThan(size / 2));
    }

    [Test]
    public void For_TokenAlreadyCancelled_RunsNothing()
    {
        var ran = 0;
        var options = new PartitionOptions { CancellationToken = new CancellationToken(canceled: true) };

        Assert.That(() => ParallelWork.For(0, 100, _ => Interlocked.Increment(ref ran), options), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(ran, Is.Zero);
    }

    [Test]
    public void For_DegreeOne_RunsOnCallingThreadOnly()
    {
        var threads = new ConcurrentDictionary<int, bool>();

        ParallelWork.For(0, 10_000, _ => threads[Environment.CurrentManagedThreadId] = true, new PartitionOptions { MaxDegreeOfParallelism = 1 });

        Assert.That(threads.Keys, Is.EquivalentTo(new[] { Environment.CurrentManagedThreadId }));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void For_MaxDegree_NeverExceeded(int degree)
    {
        var running = 0;
        var peak = 0;

        ParallelWork.For(0, 2_000, _ =>
        {
            var now = Interlocked.Increment(ref running);
            Peak.Raise(ref peak, now);
            Thread.SpinWait(200);
            Interlocked.Decrement(ref running);
        }, new PartitionOptions { MaxDegreeOfParallelism = degree, Chunking = PartitionChunking.Dynamic, MinChunkSize = 1 });

        Assert.That(peak, Is.InRange(1, degree));
    }

    [TestCase(PartitionChunking.Guided, 0)]
    [TestCase(PartitionChunking.Guided, 7919)]
    [TestCase(PartitionChunking.Dynamic, 7919)]
    [TestCase(PartitionChunking.Static, 7919)]
    public void For_WithProgress_ReportsForwardOnlyAndEndsAtTotal(PartitionChunking chunking, int size)
    {
        var progress = new RecordingProgress();

        ParallelWork.For(0, size, static _ => { }, new PartitionOptions { Chunking = chunking, Progress = progress });

        var reports = progress.Reports;
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports.Select(static r => r.ItemsDone), Is.Ordered.Ascending);
        Assert.That(reports[^1], Is.EqualTo(new JobProgress(100, null, size, size)));
        Assert.That(reports.Count, Is.LessThan(Math.Max(2, size / 4)), "one report per chunk, not per item");
    }

    [Test]
    public void ForEach_UncountableSequence_ReportsItemsDoneWithoutTotal()
    {
        var progress = new RecordingProgress();

        ParallelWork.ForEach(Yield(1000), static _ => { }, new PartitionOptions { Progress = progress });

        Assert.That(progress.Reports[^1], Is.EqualTo(new JobProgress(0, null, 1000, null)));
    }

    private static PartitionOptions Options(PartitionChunking chunking, int minChunk)
        => new() { Chunking = chunking, MinChunkSize = minChunk, MaxDegreeOfParallelism = 4 };

    private static IEnumerable<(string Kind, IEnumerable<int> Source)> Sources(int[] array)
    {
        yield return ("array", array);
        yield return ("list", array.ToList());
        yield return ("read-only list", Array.AsReadOnly(array));
        yield return ("counted sequence", array.Select(static i => i));
        yield return ("sequence", Yield(array.Length));
        yield return ("hash set", new HashSet<int>(array));
    }

    private static IEnumerable<int> Yield(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private static void AssertEachOnce(int[] hits, string? kind = null)
    {
        var wrong = hits.Select(static (count, index) => (count, index)).Where(static x => x.count != 1).Take(5).ToArray();
        Assert.That(wrong, Is.Empty, $"{kind}: items not run exactly once (count, index)");
    }
}
