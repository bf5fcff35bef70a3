using System.Globalization;
using BackgroundTasks;

namespace ConsoleWorker.Jobs;

/// <summary>A data-parallel job: counts the primes below a limit, block by block, over all cores.</summary>
internal static class PrimeCountJob
{
    private const int BlockSize = 100_000;

    public static async Task<string> RunAsync(JobContext ctx, int limit)
    {
        var blocks = (limit + BlockSize - 1) / BlockSize;
        long primes = 0;
        long blocksDone = 0;

        // Partitioner: switch to the library's partitioner once it lands.
        // One worker per core, led by a thread of its own: CPU-bound work must not hold every pool thread,
        // or the other jobs' awaits wait for the pool to grow.
        var options = new ParallelOptions { CancellationToken = ctx.CancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        await Task.Factory.StartNew(
            () => Parallel.For(0, blocks, options, block =>
            {
                var from = block * BlockSize;
                var count = CountPrimes(from, Math.Min(from + BlockSize, limit));
                Interlocked.Add(ref primes, count);
                var done = Interlocked.Increment(ref blocksDone);
                ctx.ReportItems(done, blocks, string.Create(CultureInfo.InvariantCulture, $"{Math.Min(done * BlockSize, limit):N0} numbers checked"));
            }),
            ctx.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        return string.Create(CultureInfo.InvariantCulture, $"{primes:N0} primes below {limit:N0}");
    }

    /// <summary>Counts the primes in [from, to) by trial division with odd divisors.</summary>
    private static long CountPrimes(int from, int to)
    {
        long count = 0;
        for (var n = from; n < to; n++)
        {
            if (IsPrime(n))
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsPrime(int n)
    {
        if (n < 2)
        {
            return false;
        }

        if (n % 2 == 0)
        {
            return n == 2;
        }

        for (var d = 3; d * d <= n; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
