using System.Diagnostics;

namespace BackgroundTasks.PostgreSql.Tests;

/// <summary>A bounded poll for what another process (or the database) does, which no in-process signal can report.</summary>
internal static class Poll
{
    /// <summary>Looks every 50 ms until <paramref name="found"/> returns a value, failing with <paramref name="failure"/> after <paramref name="limit"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> found, TimeSpan limit, string failure, CancellationToken ct)
        where T : class
    {
        var clock = Stopwatch.StartNew();
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

            await Task.Delay(50, ct);
        }
    }

    /// <summary>Looks every 50 ms until <paramref name="condition"/> holds, failing with <paramref name="failure"/> after <paramref name="limit"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string failure, CancellationToken ct)
        => UntilAsync<object>(async () => await condition() ? true : null, limit, failure, ct);
}
