using System.Collections.Concurrent;

namespace BackgroundTasks.Dashboard.Tests;

/// <summary>Lets a test drive its jobs: gates a job waits at before each step, and keys whose jobs fail.</summary>
public sealed class TestSignals
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);

    /// <summary>Lets a job waiting at <paramref name="gate"/> take <paramref name="steps"/> more steps.</summary>
    public void Release(string gate, int steps = 1) => Gate(gate).Release(steps);

    public Task WaitAsync(string gate, CancellationToken cancellationToken) => Gate(gate).WaitAsync(cancellationToken);

    public void SetFailing(string key, bool failing) => _failing[key] = failing;

    public bool IsFailing(string key) => _failing.GetValueOrDefault(key);

    private SemaphoreSlim Gate(string gate) => _gates.GetOrAdd(gate, static _ => new SemaphoreSlim(0));
}
