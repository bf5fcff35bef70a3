using System.Diagnostics;

namespace BackgroundTasks.Sqlite.Tests;

/// <summary>
/// A bounded poll for what another process, the database or a store's writer does, which no in-process signal reports.
/// The PostgreSQL tests link this file.
/// </summary>
internal static class Poll
{
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
