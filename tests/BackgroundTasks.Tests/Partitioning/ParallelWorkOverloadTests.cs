namespace BackgroundTasks.Tests.Partitioning;

/// <summary>
/// Every call shape users write: these tests prove by compiling that none is ambiguous (CS0121). An array
/// converts to both <see cref="IEnumerable{T}"/> and <see cref="ReadOnlyMemory{T}"/>, so an array with a
/// delegate variable or a method group used to match two overloads equally well.
/// </summary>
public sealed class ParallelWorkOverloadTests
{
    private static readonly int[] s_items = [.. Enumerable.Range(1, 1_000)];
    private static readonly long s_sum = s_items.Sum(i => (long)i);

    [Test]
    public void ForEach_ArrayWithDelegateVariable_RunsEachElementOnce()
    {
        int[] array = [.. s_items];
        long sum = 0;
        Action<int> body = i => Interlocked.Add(ref sum, i);

        ParallelWork.ForEach(array, body);

        Assert.That(sum, Is.EqualTo(s_sum));
    }

    [Test]
    public void ForEach_ArrayWithDelegateVariableAndOptions_RunsEachElementOnce()
    {
        int[] array = [.. s_items];
        long sum = 0;
        Action<int> body = i => Interlocked.Add(ref sum, i);

        ParallelWork.ForEach(array, body, new PartitionOptions { MaxDegreeOfParallelism = 2 });

        Assert.That(sum, Is.EqualTo(s_sum));
    }

    [Test]
    public void ForEach_EverySourceKindWithDelegateVariableAndLambda_RunsEachElementOnce()
    {
        long sum = 0;
        Action<int> body = i => Interlocked.Add(ref sum, i);
        int[] array = [.. s_items];
        var segment = new ArraySegment<int>(array);
        var list = new List<int>(s_items);
        IReadOnlyList<int> readOnlyList = list;
        Memory<int> memory = array;
        ReadOnlyMemory<int> readOnlyMemory = array;
        var sequence = s_items.Select(i => i);

        ParallelWork.ForEach(array, body);
        ParallelWork.ForEach(segment, body);
        ParallelWork.ForEach(list, body);
        ParallelWork.ForEach(readOnlyList, body);
        ParallelWork.ForEach(memory, body);
        ParallelWork.ForEach(readOnlyMemory, body);
        ParallelWork.ForEach(sequence, body);
        ParallelWork.ForEach<int>(array, body);
        ParallelWork.ForEach(array, i => Interlocked.Add(ref sum, i));
        ParallelWork.ForEach(segment, i => Interlocked.Add(ref sum, i));
        ParallelWork.ForEach(list, i => Interlocked.Add(ref sum, i));
        ParallelWork.ForEach(sequence, i => Interlocked.Add(ref sum, i));
        ParallelWork.ForEach<int>(readOnlyMemory, i => Interlocked.Add(ref sum, i));

        Assert.That(sum, Is.EqualTo(13 * s_sum));
    }

    [Test]
    public void ForEach_ArrayWithMethodGroup_RunsEachElementOnce()
    {
        var counter = new Counter();

        ParallelWork.ForEach(s_items, counter.Add);

        Assert.That(counter.Sum, Is.EqualTo(s_sum));
    }

    [Test]
    public void ForEach_CovariantArrayAsObjects_RunsEachElementOnce()
    {
        string[] words = ["a", "bb", "ccc"];
        var length = 0;
        Action<object> body = o => Interlocked.Add(ref length, ((string)o).Length);

        ParallelWork.ForEach<object>(words, body);

        Assert.That(length, Is.EqualTo(6));
    }

    [Test]
    public void Aggregate_ArrayWithDelegateVariables_ReturnsTheSum()
    {
        int[] array = [.. s_items];
        Func<long> localInit = () => 0;
        Func<int, long, long> body = (i, sum) => sum + i;
        Func<long, long, long> combine = (a, b) => a + b;

        var sum = ParallelWork.Aggregate(array, localInit, body, combine);
        var withOptions = ParallelWork.Aggregate(array, localInit, body, combine, new PartitionOptions { MaxDegreeOfParallelism = 2 });

        Assert.That((sum, withOptions), Is.EqualTo((s_sum, s_sum)));
    }

    [Test]
    public void Aggregate_EverySourceKindWithDelegateVariablesAndLambdas_ReturnsTheSum()
    {
        Func<long> localInit = () => 0;
        Func<int, long, long> body = (i, sum) => sum + i;
        Func<long, long, long> combine = (a, b) => a + b;
        int[] array = [.. s_items];
        var segment = new ArraySegment<int>(array);
        var list = new List<int>(s_items);
        ReadOnlyMemory<int> memory = array;
        var sequence = s_items.Select(i => i);

        long[] sums =
        [
            ParallelWork.Aggregate(segment, localInit, body, combine),
            ParallelWork.Aggregate(list, localInit, body, combine),
            ParallelWork.Aggregate(memory, localInit, body, combine),
            ParallelWork.Aggregate(sequence, localInit, body, combine),
            ParallelWork.Aggregate<int, long>(array, localInit, body, combine),
            ParallelWork.Aggregate(array, () => 0L, (i, sum) => sum + i, (a, b) => a + b),
            ParallelWork.Aggregate(list, () => 0L, (i, sum) => sum + i, (a, b) => a + b),
            ParallelWork.Aggregate(array, localInit, (i, sum) => sum + i, combine),
        ];

        Assert.That(sums, Is.All.EqualTo(s_sum));
    }

    [Test]
    public async Task ForEachAsync_ArrayListAndSequenceWithDelegateVariable_RunsEachElementOnce()
    {
        long sum = 0;
        Func<int, CancellationToken, ValueTask> body = (i, _) =>
        {
            Interlocked.Add(ref sum, i);
            return ValueTask.CompletedTask;
        };
        int[] array = [.. s_items];

        await ParallelWork.ForEachAsync(array, body);
        await ParallelWork.ForEachAsync(new List<int>(s_items), body);
        await ParallelWork.ForEachAsync(s_items.Select(i => i), body);
        await ParallelWork.ForEachAsync(ToAsync(s_items), body);
        await ParallelWork.ForEachAsync(array, (i, _) =>
        {
            Interlocked.Add(ref sum, i);
            return ValueTask.CompletedTask;
        });

        Assert.That(sum, Is.EqualTo(5 * s_sum));
    }

    private static async IAsyncEnumerable<int> ToAsync(IEnumerable<int> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    private sealed class Counter
    {
        private long _sum;

        public long Sum => Interlocked.Read(ref _sum);

        public void Add(int item) => Interlocked.Add(ref _sum, item);
    }
}
