using System.Runtime.CompilerServices;

namespace BackgroundTasks.Benchmarks.Partitioning;

/// <summary>The per-item work of the partitioning benchmarks, shared so that every variant runs the same code.</summary>
internal static class Workloads
{
    /// <summary>The uniform item: the same cost for every element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(double x) => Math.Sqrt(x) * Math.Sin(x);

    /// <summary>The skewed item: item <paramref name="i"/> repeats the uniform work about <c>i / step</c> times, so cost grows with the index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Skewed(int i, int step)
    {
        var repeats = 1 + (i / step);
        var sum = 0.0;
        for (var r = 0; r < repeats; r++)
        {
            sum += Uniform(i + r);
        }

        return sum;
    }
}
