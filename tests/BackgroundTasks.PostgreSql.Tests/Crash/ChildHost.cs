using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace BackgroundTasks.PostgreSql.Tests.Crash;

/// <summary>One BackgroundTasks.PostgreSql.TestHost child process: its output lines, and a hard kill.</summary>
internal sealed class ChildHost : IDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _errors = new();

    private ChildHost(Process process, string name, string effects)
    {
        _process = process;
        Name = name;
        EffectsPath = effects;
    }

    public string Name { get; }

    public string EffectsPath { get; }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines) + (_errors.Length > 0 ? "\nstderr:\n" + _errors : "");
            }
        }
    }

    private static string DllPath
    {
        get
        {
            var path = typeof(ChildHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestHostPath").Value!;
            Assert.That(path, Does.Exist, "The test host is built with the test project (it is a project reference).");
            return Path.GetFullPath(path);
        }
    }

    public static ChildHost Start(string directory, string name, params string[] arguments)
    {
        var effects = Path.Combine(directory, $"{name}.effects");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        info.ArgumentList.Add(DllPath);
        foreach (var argument in arguments.Concat(["--host", name, "--effects", effects]))
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildHost(process, name, effects);
        process.OutputDataReceived += (_, e) => child.Add(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data, error: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits (a bounded poll) until the child wrote a line starting with <paramref name="prefix"/>.</summary>
    public Task WaitForLineAsync(string prefix, TimeSpan limit, CancellationToken ct)
        => Poll.UntilAsync(
            () =>
            {
                lock (_gate)
                {
                    if (_lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
                    {
                        return Task.FromResult(true);
                    }
                }

                Assert.That(_process.HasExited, Is.False, $"Host {Name} exited before writing '{prefix}'. Its output:\n{Output}");
                return Task.FromResult(false);
            },
            limit,
            $"Host {Name} did not write '{prefix}'. Its output:\n{Output}",
            ct);

    /// <summary>Reads the effects file: every line written so far.</summary>
    public string[] Effects()
    {
        using var stream = new FileStream(EffectsPath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Add(string? line, bool error)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (error)
            {
                _errors.AppendLine(line);
            }
            else
            {
                _lines.Add(line);
            }
        }
    }
}
