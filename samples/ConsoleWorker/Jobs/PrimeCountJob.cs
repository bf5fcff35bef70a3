using System.Globalization;
using BackgroundTasks;

namespace ConsoleWorker.Jobs;

/// <summary>A data-parallel job: counts the primes below a limit, block by block, over all cores.</summary>
internal sealed class PrimeCountJob : IJob<PrimeCountArgs, string>
{
    public async Task<string> RunAsync(PrimeCountArgs args, JobContext context)
    {
        var limit = args.Limit;

        // The library's partitioner splits the range over the cores, adapting chunk sizes to the uneven
        // cost (larger numbers take longer), stops at the job's token, and reports numbers checked as the
        // job's progress. The loop runs on a thread of its own: CPU-bound work should not hold the pool
        // threads that the other jobs' awaits need.
        var primes = await Task.Factory.StartNew(
            () => context.ParallelAggregateRange(
                0,
                limit,
                static () => 0L,
                static (from, to, count) => count + CountPrimes(from, to),
                static (a, b) => a + b),
            context.CancellationToken,
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
