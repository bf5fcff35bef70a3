using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace BackgroundTasks.Sqlite.Tests.Crash;

/// <summary>
/// One run of the BackgroundTasks.Sqlite.TestHost child process (<c>dotnet BackgroundTasks.Sqlite.TestHost.dll …</c>):
/// its output lines, each with the moment it arrived, and a hard kill.
/// </summary>
internal sealed class TestHostProcess : IDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<(string Line, long At)> _lines = [];
    private readonly StringBuilder _errors = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<(string Line, long At)> Seen)> _waiters = [];
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestHostProcess(Process process, string arguments)
    {
        _process = process;
        Arguments = arguments;
    }

    public static string DllPath
    {
        get
        {
            var path = typeof(TestHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestHostPath").Value!;
            Assert.That(path, Does.Exist, "The test host should have been built with the test project (it is a project reference).");
            return Path.GetFullPath(path);
        }
    }

    /// <summary>Gets the moment (<see cref="Stopwatch.GetTimestamp"/>) just before the process was started.</summary>
    public long StartedAt { get; private set; }

    public int Id => _process.Id;

    public string Arguments { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Gets everything the process wrote so far, standard error after standard output.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines.Select(l => l.Line)) + (_errors.Length > 0 ? "\nstderr:\n" + _errors : "");
            }
        }
    }

    /// <summary>Starts the test host with these arguments (see its usage), in <paramref name="directory"/>.</summary>
    public static TestHostProcess Start(string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var host = new TestHostProcess(process, string.Join(' ', arguments));
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnError(e.Data);
        host.StartedAt = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits for the first output line (written already or still to come) that matches, and when it arrived.</summary>
    /// <exception cref="AssertionException">The process exited first, or <paramref name="cancellationToken"/> fired.</exception>
    public async Task<(string Line, long At)> WaitForLineAsync(Func<string, bool> match, string what, CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource<(string Line, long At)>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _lines.FindIndex(l => match(l.Line));
            if (existing >= 0)
            {
                return _lines[existing];
            }

            _waiters.Add((match, seen));
        }

        var first = await Task.WhenAny(seen.Task, _outputClosed.Task.WaitAsync(cancellationToken));
        if (first == seen.Task)
        {
            return await seen.Task;
        }

        if (seen.Task.IsCompleted)
        {
            return await seen.Task;
        }

        Assert.Fail(cancellationToken.IsCancellationRequested
            ? $"The test host ({Arguments}) did not write {what} in time. Its output:\n{Output}"
            : $"The test host ({Arguments}) exited without writing {what}. Its output:\n{Output}");
        throw new UnreachableException();
    }

    /// <summary>Kills the process and its children at once (SIGKILL) and waits until it is gone.</summary>
    /// <returns>The moment the process was seen gone.</returns>
    public async Task<long> KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>Waits for the process to exit by itself and its output to be read to the end.</summary>
    /// <returns>Its exit code.</returns>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken);
            await _outputClosed.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The test host ({Arguments}) did not exit in time. Its output so far:\n{Output}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _outputClosed.TrySetResult();
            return;
        }

        var at = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _lines.Add((line, at));
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Seen.TrySetResult((line, at));
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private void OnError(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _errors.Append(line).Append('\n');
            }
        }
    }
}
