namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>What a benchmark job does. Every body ends by signalling <see cref="Countdown"/>.</summary>
public enum JobBody
{
    /// <summary>Nothing but the signal: a no-op job.</summary>
    Counted,

    /// <summary>About 50 µs of calibrated CPU work (<see cref="CpuSpin"/>), then the signal.</summary>
    Cpu,

    /// <summary>Records when it started (<see cref="JobBodies.ProbeStartedAt"/>), then the signal.</summary>
    Probe,
}
