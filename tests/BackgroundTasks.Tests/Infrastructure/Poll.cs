using System.Diagnostics;

namespace BackgroundTasks.Tests;

/// <summary>
/// A bounded poll for conditions nothing signals (what another process, the database, a store's writer or a worker
/// does): it looks, waits a tick of a <see cref="PeriodicTimer"/> (no spinning), and fails with a message that says what
/// never happened. The SQLite and PostgreSQL tests link this file.
/// </summary>
internal static class Poll
{
    /// <summary>Looks every 10 ms until <paramref name="condition"/> holds, failing with "Timed out waiting for <paramref name="what"/>" once the test's token fires.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, CancellationToken ct)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            try
            {
                await tick.WaitForNextTickAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }
        }
    }

    /// <summary>Looks every 50 ms until <paramref name="found"/> returns a value, failing with <paramref name="failure"/> after <paramref name="limit"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> found, TimeSpan limit, string failure, CancellationToken ct)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            if (await found() is { } value)
            {
                return value;
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{failure} (waited {limit.TotalSeconds:0.#} s)");
            }

            await tick.WaitForNextTickAsync(ct);
        }
    }

    /// <summary>Looks every 50 ms until <paramref name="condition"/> holds, failing with <paramref name="failure"/> after <paramref name="limit"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string failure, CancellationToken ct)
        => UntilAsync<object>(async () => await condition() ? true : null, limit, failure, ct);

    /// <summary>Looks every 50 ms until <paramref name="condition"/> holds, failing with <paramref name="failure"/> after <paramref name="limit"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan limit, string failure, CancellationToken ct)
        => UntilAsync(() => Task.FromResult(condition()), limit, failure, ct);
}
