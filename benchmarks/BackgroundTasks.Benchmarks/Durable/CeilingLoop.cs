using System.Diagnostics;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>
/// The ceilings: what one thread on Microsoft.Data.Sqlite does with the three writes of a durable job and nothing else
/// (no workers, no serialization beyond the row, no wake-ups). <see cref="StoreCeilingWrites"/> are the writes of
/// BackgroundTasks.Sqlite on its own schema (the ceiling rows); <see cref="MinimalCeilingWrites"/> the same three
/// writes on the smallest table a queue could have (the reference row). WAL and <c>synchronous = NORMAL</c>, as for
/// the contenders.
/// </summary>
public static class CeilingLoop
{
    /// <summary>Gets how many writes one transaction holds in the batched loop.</summary>
    public const int Batch = 1_000;

    /// <summary>
    /// Runs <paramref name="jobs"/> jobs through the three writes of <paramref name="kind"/> on a fresh
    /// <paramref name="file"/>. Batched, each group of <see cref="Batch"/> jobs is inserted in one transaction,
    /// claimed in the next (one claim per job, or, for <see cref="DurableContender.CeilingClaimsOfABatch"/>, one claim
    /// of the whole group, as a host with that many free workers would claim) and completed in the one after; per
    /// write, every write commits on its own.
    /// </summary>
    /// <returns>The time the loop took.</returns>
    public static async Task<TimeSpan> RunAsync(DurableContender kind, string file, int jobs)
    {
        if (kind == DurableContender.ReferenceBatched)
        {
            using var minimal = new MinimalCeilingWrites(file);
            return Run(minimal, jobs, batched: true, claimMany: false);
        }

        using var store = await StoreCeilingWrites.OpenAsync(file);
        return Run(store, jobs, batched: kind != DurableContender.CeilingPerWrite, claimMany: kind == DurableContender.CeilingClaimsOfABatch);
    }

    private static TimeSpan Run<TClaimed>(CeilingWrites<TClaimed> writes, int jobs, bool batched, bool claimMany)
    {
        var started = Stopwatch.GetTimestamp();
        if (batched)
        {
            for (var done = 0; done < jobs; done += Batch)
            {
                var count = Math.Min(Batch, jobs - done);
                writes.Begin();
                for (var i = 0; i < count; i++)
                {
                    writes.Insert();
                }

                writes.Commit();
                writes.Begin();
                var claimed = claimMany ? writes.ClaimMany(count) : OneClaimEach(writes, count);
                writes.Commit();
                writes.Begin();
                for (var i = 0; i < count; i++)
                {
                    writes.Complete(claimed[i]);
                }

                writes.Commit();
            }
        }
        else
        {
            for (var i = 0; i < jobs; i++)
            {
                writes.Begin();
                writes.Insert();
                writes.Commit();
                writes.Begin();
                var claimed = writes.Claim();
                writes.Commit();
                writes.Begin();
                writes.Complete(claimed);
                writes.Commit();
            }
        }

        return Stopwatch.GetElapsedTime(started);
    }

    private static List<TClaimed> OneClaimEach<TClaimed>(CeilingWrites<TClaimed> writes, int count)
    {
        var claimed = new List<TClaimed>(count);
        for (var i = 0; i < count; i++)
        {
            claimed.Add(writes.Claim());
        }

        return claimed;
    }
}
