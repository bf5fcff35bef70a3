using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>
/// The parent's side of one <see cref="PgHost"/> child: it starts the child with its standard input and output
/// redirected, reads its output on a task of its own (progress lines update <see cref="Ran"/> and
/// <see cref="LastRanAt"/> and release the shared <c>progress</c> semaphore; other lines wait in a channel for
/// <see cref="WaitForLineAsync"/>), and writes commands to it.
/// </summary>
public sealed class PgHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _progress;
    private readonly Channel<(string Line, long At)> _lines = Channel.CreateUnbounded<(string, long)>();
    private readonly Task _reader;
    private long _ran;
    private long _lastRanAt;

    private PgHostProcess(Process process, SemaphoreSlim progress)
    {
        _process = process;
        _progress = progress;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Gets the no-op jobs the child has reported running.</summary>
    public long Ran => Volatile.Read(ref _ran);

    /// <summary>Gets the timestamp (<see cref="Stopwatch.GetTimestamp"/>, the system's monotonic clock) of the child's latest no-op job.</summary>
    public long LastRanAt => Volatile.Read(ref _lastRanAt);

    /// <summary>Gets whether the child has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a host child and waits until its contender has started.</summary>
    /// <param name="kind">The contender.</param>
    /// <param name="connectionString">The database.</param>
    /// <param name="settings">The host's options.</param>
    /// <param name="progress">Released on every progress line and when the child's output ends.</param>
    /// <exception cref="InvalidOperationException">The child did not report ready within <see cref="PgSettings.StartCap"/>.</exception>
    public static async Task<PgHostProcess> StartAsync(PgContender kind, string connectionString, PgHostSettings settings, SemaphoreSlim progress)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(PgHostProcess).Assembly.Location);
        }

        foreach (var arg in (string[])[PgHost.Flag, kind.ToString(), connectionString, .. settings.ToArgs()])
        {
            start.ArgumentList.Add(arg);
        }

        var host = new PgHostProcess(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}."), progress);
        if (await host.WaitForLineAsync(PgHost.ReadyLine, Deadline(PgSettings.StartCap)) is null)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"The {kind} host did not start within {PgSettings.StartCap.TotalSeconds:N0} s.");
        }

        return host;
    }

    /// <summary>Gets the timestamp <paramref name="after"/> from now.</summary>
    public static long Deadline(TimeSpan after) => Stopwatch.GetTimestamp() + (long)(after.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Writes one command line to the child.</summary>
    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// Waits for the next line (other than progress) that starts with <paramref name="prefix"/>, and returns it with
    /// the timestamp at which it was read; <see langword="null"/> when the output ends or <paramref name="deadline"/>
    /// (a timestamp) passes first. Lines that do not match are skipped.
    /// </summary>
    public async Task<(string Line, long At)?> WaitForLineAsync(string prefix, long deadline)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        if (left <= TimeSpan.Zero)
        {
            return null;
        }

        using var timeout = new CancellationTokenSource(left);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(timeout.Token))
            {
                while (_lines.Reader.TryRead(out var read))
                {
                    if (read.Line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return read;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        return null;
    }

    /// <summary>Kills the child and its whole process tree, and waits until it has exited.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Tells the child to stop its contender and waits for it to exit; kills it if it has not within 30 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        try
        {
            await SendAsync(PgHostCommand.Stop);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            await KillAsync();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await _reader;
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var at = Stopwatch.GetTimestamp();
            if (line.StartsWith(PgHost.RanPrefix, StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Volatile.Write(ref _lastRanAt, long.Parse(parts[2], CultureInfo.InvariantCulture));
                Volatile.Write(ref _ran, long.Parse(parts[1], CultureInfo.InvariantCulture));
                _progress.Release();
            }
            else
            {
                _lines.Writer.TryWrite((line, at));
            }
        }

        _lines.Writer.TryComplete();
        _progress.Release();
    }
}
