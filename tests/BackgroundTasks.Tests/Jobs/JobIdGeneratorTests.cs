namespace BackgroundTasks.Tests.Jobs;

/// <summary>Ids from several generators stand for ids from several processes or hosts, with a clock the test sets.</summary>
public sealed class JobIdGeneratorTests
{
    private const long Start = 1_767_225_600_000; // 2026-01-01T00:00:00Z in Unix milliseconds

    [Test]
    public void Next_TwoProcessesInterleaved_SortsByTimeWhateverTheirRandomBits()
    {
        // The process with the greater random bits makes the earlier ids: order must still follow time.
        var early = new JobIdGenerator(clockOffset: 0, node: ulong.MaxValue);
        var late = new JobIdGenerator(clockOffset: 0, node: 0);
        var made = new List<JobId>();
        for (var ms = Start; ms < Start + 1_000; ms++)
        {
            made.Add((ms % 3 == 0 ? late : early).Next(ms));
        }

        var sorted = made.Order().ToList();

        Assert.That(sorted, Is.EqualTo(made), "Sorting ids gives creation order across processes");
        Assert.That(made.Select(id => id.UnixMilliseconds), Is.EqualTo(Enumerable.Range(0, 1_000).Select(i => Start + i)));
    }

    [Test]
    public void Next_ManyProcessesRandomTimes_NewestFirstFollowsTheClock()
    {
        var random = new Random(42);
        var processes = Enumerable.Range(0, 8).Select(_ => new JobIdGenerator(0, (ulong)random.NextInt64())).ToList();
        var made = new List<(long At, JobId Id)>();
        for (var i = 0; i < 10_000; i++)
        {
            var at = Start + (i * 3);
            made.Add((at, processes[random.Next(processes.Count)].Next(at)));
        }

        var newestFirst = made.OrderByDescending(m => m.Id).Select(m => m.At).ToList();

        Assert.That(newestFirst, Is.Ordered.Descending);
        Assert.That(made.Select(m => m.Id).Distinct().Count(), Is.EqualTo(made.Count));
    }

    [Test]
    public void Next_TwoProcessesSameMillisecond_AreDistinct()
    {
        var a = new JobIdGenerator(0, 1);
        var b = new JobIdGenerator(0, 2);

        var fromA = Enumerable.Range(0, 100).Select(_ => a.Next(Start)).ToList();
        var fromB = Enumerable.Range(0, 100).Select(_ => b.Next(Start)).ToList();

        Assert.That(fromA.Concat(fromB).Distinct().Count(), Is.EqualTo(200));
    }

    [Test]
    public void Next_ClockStepsBack_StillIncreases()
    {
        var generator = new JobIdGenerator(0, 7);

        var first = generator.Next(Start + 5_000);
        var afterStepBack = generator.Next(Start);
        var later = generator.Next(Start + 1);

        Assert.That(afterStepBack, Is.GreaterThan(first));
        Assert.That(later, Is.GreaterThan(afterStepBack));
        Assert.That(later.UnixMilliseconds, Is.EqualTo(Start + 5_000), "The stamp waits for the clock to catch up.");
    }

    [Test]
    public void Next_SameMillisecond_CountsUpFromZero()
    {
        var generator = new JobIdGenerator(0, 7);

        var ids = Enumerable.Range(0, 3).Select(_ => generator.Next(Start)).ToList();

        Assert.That(ids.Select(id => id.ToString()[..16]), Is.EqualTo(new[]
        {
            $"{(Start << 16) | 0:x16}",
            $"{(Start << 16) | 1:x16}",
            $"{(Start << 16) | 2:x16}",
        }));
        Assert.That(ids.Select(id => id.ToString()[16..]), Is.All.EqualTo("0000000000000007"));
    }

    [Test]
    public void Next_MoreIdsThanASequenceHolds_CarriesIntoTheTimestampAndKeepsIncreasing()
    {
        var generator = new JobIdGenerator(0, 7);
        var sequence = 1 << JobIdGenerator.SequenceBits;

        var ids = Enumerable.Range(0, sequence + 10).Select(_ => generator.Next(Start)).ToList();
        var nextMillisecond = generator.Next(Start + 1);
        var afterThat = generator.Next(Start + 2);

        Assert.That(ids.Zip(ids.Skip(1)).All(pair => pair.First < pair.Second), Is.True, "Strictly increasing");
        Assert.That(ids[^1].UnixMilliseconds, Is.EqualTo(Start + 1), "The sequence carried into the timestamp.");
        Assert.That(nextMillisecond, Is.GreaterThan(ids[^1]));
        Assert.That(afterThat.UnixMilliseconds, Is.EqualTo(Start + 2));
        Assert.That(afterThat.ToString()[..16], Is.EqualTo($"{(Start + 2) << 16:x16}"), "A new millisecond starts its sequence at zero.");
    }

    [Test]
    public void Next_FromSeveralThreads_IsUniqueAndIncreasingOnEachThread()
    {
        const int Threads = 4;
        const int PerThread = 20_000;
        var generator = new JobIdGenerator(0, 7);
        using var start = new Barrier(Threads);
        var perThread = new JobId[Threads][];
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var ids = new JobId[PerThread];
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                ids[i] = generator.Next(Start + (i / 100)); // the clock advances while the threads race
            }

            perThread[t] = ids;
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.That(perThread.SelectMany(ids => ids).Distinct().Count(), Is.EqualTo(Threads * PerThread));
        foreach (var ids in perThread)
        {
            Assert.That(ids.Zip(ids.Skip(1)).All(pair => pair.First < pair.Second), Is.True, "Each thread's ids increase strictly");
        }
    }

    [Test]
    public void Shared_StampsTheWallClock()
    {
        var before = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        var id = JobIdGenerator.Shared.NewId();

        Assert.That(id.UnixMilliseconds, Is.InRange(before - 1_000, before + 1_000));
        Assert.That(id.ToString()[16..], Is.EqualTo($"{JobIdGenerator.Shared.Node:x16}"));
    }

    [Test]
    public void GetTableHash_OneIdPerMillisecond_SpreadsOverTheBuckets()
    {
        // A quiet host makes one id now and then: every id has sequence 0, and only its millisecond differs.
        var generator = new JobIdGenerator(0, 7);
        const int Buckets = 1024;

        var used = Enumerable.Range(0, Buckets).Select(i => generator.Next(Start + (i * 5)).GetTableHash() & (Buckets - 1)).Distinct().Count();

        Assert.That(used, Is.GreaterThan(Buckets / 2), "1,024 ids over 1,024 buckets should fill more than half of them, as random keys fill about 63 %.");
    }

    [Test]
    public void GetTableHash_IdsOfOneMillisecond_TakeConsecutiveBuckets()
    {
        var generator = new JobIdGenerator(0, 7);

        var hashes = Enumerable.Range(0, 100).Select(_ => generator.Next(Start).GetTableHash()).ToList();

        Assert.That(hashes.Zip(hashes.Skip(1)).All(pair => pair.Second == unchecked(pair.First + 1)), Is.True);
    }
}
