namespace BackgroundTasks.Tests;

/// <summary>Tracks the highest value seen from many threads.</summary>
public static class Peak
{
    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> if it is higher, atomically.</summary>
    public static void Raise(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
