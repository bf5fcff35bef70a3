using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>
/// About 50 µs of pure CPU work: a fixed number of loop iterations, calibrated once. A fixed amount of work
/// (not "spin until 50 µs have passed") keeps a preempted job from looking done.
/// </summary>
/// <remarks>
/// The driver process calibrates and passes the count to BenchmarkDotNet's child processes through the
/// <see cref="EnvironmentVariable"/>, so that every contender runs exactly the same work.
/// </remarks>
public static class CpuSpin
{
    /// <summary>The target duration of one job, in microseconds.</summary>
    public const double TargetMicroseconds = 50;

    /// <summary>Carries the calibrated iteration count to child processes.</summary>
    public const string EnvironmentVariable = "BACKGROUNDTASKS_BENCH_SPIN_ITERATIONS";

    private static long s_sink;

    /// <summary>Gets the loop iterations of one job.</summary>
    public static int Iterations { get; private set; } = ReadOrCalibrate();

    /// <summary>Calibrates if no count was passed down, and exports it for child processes.</summary>
    public static void EnsureExported()
        => Environment.SetEnvironmentVariable(EnvironmentVariable, Iterations.ToString(CultureInfo.InvariantCulture));

    /// <summary>Runs one job's work.</summary>
    public static void Run() => Volatile.Write(ref s_sink, Spin(Iterations));

    /// <summary>Measures how long one job's work takes on this thread now (best of several tries), in microseconds.</summary>
    public static double MeasureMicroseconds()
    {
        var best = double.MaxValue;
        for (var i = 0; i < 200; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Spin(int iterations)
    {
        var x = 17L;
        for (var i = 0; i < iterations; i++)
        {
            x = (x * 31) ^ i;
        }

        return x;
    }

    private static int ReadOrCalibrate()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable(EnvironmentVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var passed) && passed > 0)
        {
            return passed;
        }

        // Warm up the JIT, then take the fastest of many samples of a large count.
        const int Probe = 1_000_000;
        Spin(Probe);
        var best = double.MaxValue;
        for (var i = 0; i < 30; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Volatile.Write(ref s_sink, Spin(Probe));
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return (int)Math.Round(Probe * TargetMicroseconds / best);
    }
}
