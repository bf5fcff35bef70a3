namespace BackgroundTasks.Tests.Store;

/// <summary>
/// The in-memory store's id table on its own: entries stay findable, counted and listed exactly once
/// while it grows, while one thread adds new jobs and another evicts old ones, and while snapshots run.
/// </summary>
[CancelAfter(60_000)]
public sealed class JobEntryTableTests
{
    [TestCase(true, TestName = "Table_SequentialIds_GrowsAndFindsEveryEntry")]
    [TestCase(false, TestName = "Table_IdsFromOtherProcesses_GrowsAndFindsEveryEntry")]
    public void Table_GrowsAndFindsEveryEntry(bool sequential)
    {
        var table = new JobEntryTable(1);
        var entries = Enumerable.Range(0, 50_000).Select(i => Entry(sequential ? JobId.NewId() : RandomId())).ToList();

        foreach (var entry in entries)
        {
            Assert.That(table.TryAdd(entry), Is.True);
        }

        Assert.That(table.Count, Is.EqualTo(entries.Count));
        Assert.That(table.TryAdd(Entry(entries[123].Id)), Is.False, "A second entry with an id already there was added.");
        Assert.That(entries.All(e => table.TryGet(e.Id, out var found) && ReferenceEquals(found, e)), Is.True, "An entry added before the table grew was lost.");

        foreach (var entry in entries.Where((_, i) => i % 2 == 0))
        {
            Assert.That(table.Remove(entry), Is.True);
        }

        Assert.That(table.Remove(entries[0]), Is.False, "An entry was removed twice.");
        Assert.That(table.Count, Is.EqualTo(entries.Count / 2));
        Assert.That(table.TryGet(entries[0].Id, out _), Is.False);
        Assert.That(table.Snapshot().ToHashSet(ReferenceEqualityComparer.Instance).SetEquals(entries.Where((_, i) => i % 2 == 1)), Is.True);
    }

    [Test]
    public async Task Table_AddEvictAndSnapshotAtOnce_EveryEntryThatStaysIsListedExactlyOnce(CancellationToken ct)
    {
        for (var round = 0; round < 20; round++)
        {
            await AddEvictAndSnapshotRoundAsync(ct);
        }
    }

    /// <summary>
    /// Entries that stay for the whole round, spread over every stripe, and a stream of new jobs evicted
    /// later, as a producer and a retention sweep do. The backlog grows with the stream, so a table that
    /// starts small grows several times while snapshots and lookups run.
    /// </summary>
    private static async Task AddEvictAndSnapshotRoundAsync(CancellationToken ct)
    {
        var table = new JobEntryTable(64);
        var staying = Enumerable.Range(0, 2_000).Select(_ => Entry(RandomId())).ToList();
        staying.ForEach(e => table.TryAdd(e));
        var added = new System.Collections.Concurrent.ConcurrentQueue<JobEntry>();
        var produced = 0;
        var adding = true;
        var snapshots = 0;
        using var failed = new CancellationTokenSource();

        var producer = Dedicated(failed, () =>
        {
            // 40,000 jobs, and on until the reader has taken 3 snapshots.
            while ((Volatile.Read(ref produced) < 40_000 || Volatile.Read(ref snapshots) < 3) && !failed.IsCancellationRequested)
            {
                var entry = Entry(JobId.NewId());
                Assert.That(table.TryAdd(entry), Is.True);
                added.Enqueue(entry);
                Interlocked.Increment(ref produced);
            }

            Volatile.Write(ref adding, false);
        });
        var evictor = Dedicated(failed, () =>
        {
            while ((Volatile.Read(ref adding) || !added.IsEmpty) && !failed.IsCancellationRequested)
            {
                var backlog = Math.Min(Volatile.Read(ref produced) / 2, 20_000);
                if ((added.Count > backlog || !Volatile.Read(ref adding)) && added.TryDequeue(out var old))
                {
                    Assert.That(table.Remove(old), Is.True, $"Entry {old.Id} was added but could not be removed.");
                }
            }
        });
        var reader = Dedicated(failed, () =>
        {
            while (Volatile.Read(ref adding) && !failed.IsCancellationRequested)
            {
                var seen = new HashSet<JobEntry>(ReferenceEqualityComparer.Instance);
                foreach (var entry in table.Snapshot())
                {
                    Assert.That(seen.Add(entry), Is.True, $"Entry {entry.Id} was listed twice in one snapshot.");
                }

                Assert.That(staying.All(seen.Contains), Is.True, "A snapshot missed an entry that was there all along.");
                var probe = staying[Volatile.Read(ref snapshots) % staying.Count];
                Assert.That(table.TryGet(probe.Id, out var found) && ReferenceEquals(found, probe), Is.True, $"Entry {probe.Id} could not be found.");
                Interlocked.Increment(ref snapshots);
            }
        });

        await Task.WhenAll(producer, evictor, reader).WaitAsync(ct);

        Assert.That(table.Count, Is.EqualTo(staying.Count));
        Assert.That(table.Snapshot().ToHashSet(ReferenceEqualityComparer.Instance).SetEquals(staying), Is.True);
    }

    /// <summary>Runs a loop on a thread of its own; a failed assertion stops the other loops too.</summary>
    private static Task Dedicated(CancellationTokenSource failed, Action body) => Task.Factory.StartNew(
        () =>
        {
            try
            {
                body();
            }
            catch
            {
                failed.Cancel();
                throw;
            }
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);

    private static RecordEntry Entry(JobId id) => new(new JobRecord { Id = id, Queue = "default" });

    private static JobId RandomId()
    {
        Span<byte> text = stackalloc byte[16];
        Random.Shared.NextBytes(text);
        return JobId.Parse(Convert.ToHexStringLower(text));
    }
}
