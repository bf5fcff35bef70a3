using System.Diagnostics;

namespace BackgroundTasks.Benchmarks.Peers;

/// <summary>The job bodies, shared by every contender.</summary>
public static class JobBodies
{
    private static readonly Action s_counted = Counted;
    private static readonly Action s_cpu = Cpu;
    private static readonly Action s_probe = Probe;
    private static long s_probeStartedAt;

    /// <summary>Gets the <see cref="Stopwatch"/> timestamp at which the last probe job started.</summary>
    public static long ProbeStartedAt => Volatile.Read(ref s_probeStartedAt);

    /// <summary>A no-op job: it only counts itself done.</summary>
    public static void Counted() => Countdown.Signal();

    /// <summary>A CPU job: about 50 µs of work.</summary>
    public static void Cpu()
    {
        CpuSpin.Run();
        Countdown.Signal();
    }

    /// <summary>A latency probe: records when it started.</summary>
    public static void Probe()
    {
        Volatile.Write(ref s_probeStartedAt, Stopwatch.GetTimestamp());
        Countdown.Signal();
    }

    /// <summary>Runs a body.</summary>
    public static void Run(JobBody body)
    {
        switch (body)
        {
            case JobBody.Cpu:
                Cpu();
                break;
            case JobBody.Probe:
                Probe();
                break;
            default:
                Counted();
                break;
        }
    }

    /// <summary>Gets the plain delegate of a body, allocated once.</summary>
    public static Action For(JobBody body) => body switch
    {
        JobBody.Cpu => s_cpu,
        JobBody.Probe => s_probe,
        _ => s_counted,
    };
}
