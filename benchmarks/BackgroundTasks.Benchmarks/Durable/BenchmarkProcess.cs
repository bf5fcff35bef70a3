using System.Diagnostics;

namespace BackgroundTasks.Benchmarks.Durable;

/// <summary>Starts this benchmark executable again as a child process, with its standard output redirected.</summary>
public static class BenchmarkProcess
{
    /// <summary>Starts a child with <paramref name="args"/>; its standard error goes to ours.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchmarkProcess).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
    }

    /// <summary>
    /// Reads <paramref name="process"/>'s standard output until a line equal to <paramref name="line"/>, and returns
    /// the timestamp (<see cref="Stopwatch.GetTimestamp"/>) at which it was read; <see langword="null"/> when the
    /// output ends or <paramref name="deadline"/> (a timestamp) passes first.
    /// </summary>
    public static async Task<long?> WaitForLineAsync(Process process, string line, long deadline)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        if (left <= TimeSpan.Zero)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(left);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } read)
            {
                if (read == line)
                {
                    return Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        return null;
    }
}
