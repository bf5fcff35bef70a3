using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace BackgroundTasks.Samples.Tests.ConsoleWorker;

/// <summary>Runs the built ConsoleWorker sample as <c>dotnet ConsoleWorker.dll</c> with its output redirected.</summary>
internal sealed class ConsoleWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ConsoleWorkerProcess(Process process) => _process = process;

    public static string DllPath
    {
        get
        {
            var path = typeof(ConsoleWorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "ConsoleWorkerPath").Value!;
            Assert.That(path, Does.Exist, "The ConsoleWorker sample should have been built with the test project.");
            return Path.GetFullPath(path);
        }
    }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    /// <summary>Starts the sample with these command-line arguments (such as <c>--db path</c>).</summary>
    public static ConsoleWorkerProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { DllPath },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var worker = new ConsoleWorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data is null ? null : "stderr: " + e.Data, isError: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Completes with the first line (already written or still to come) that matches.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _output.ToString().Split('\n').FirstOrDefault(match);
            if (existing is not null)
            {
                seen.SetResult(existing);
            }
            else
            {
                _waiters.Add((match, seen));
            }
        }

        return seen.Task;
    }

    /// <summary>Waits for the process to exit and its output to be read to the end.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken);
            await _outputClosed.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The ConsoleWorker sample did not exit in time. Its output so far:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>
    /// Asks the sample to stop, as Ctrl+C or a service manager does: SIGTERM, which the host's console lifetime handles as
    /// it handles SIGINT. Not SIGINT itself: a shell starts background commands (<c>nohup dotnet test &amp;</c>) with SIGINT
    /// ignored, the sample inherits that, and it would never hear the signal.
    /// </summary>
    public void Interrupt()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, "kill -TERM failed");
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or <c>kill -9</c> does, and waits until it is gone.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void OnLine(string? line, bool isError = false)
    {
        if (line is null)
        {
            if (!isError)
            {
                _outputClosed.TrySetResult();
            }

            return;
        }

        lock (_gate)
        {
            _output.Append(line).Append('\n');
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Seen.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
