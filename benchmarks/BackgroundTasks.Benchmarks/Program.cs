using BackgroundTasks.Benchmarks.Durable;
using BackgroundTasks.Benchmarks.Peers;
using BackgroundTasks.Benchmarks.Postgres;
using BenchmarkDotNet.Running;

// Every process (BenchmarkDotNet's children included) runs the same calibrated CPU job.
CpuSpin.EnsureExported();

if (args.Length > 0 && args[0] == "--soak")
{
    return await PeerReports.SoakAsync(args);
}

if (args.Length > 0 && args[0] == DurableRun.Flag)
{
    return await DurableRun.RunAsync(args);
}

if (args.Length > 0 && args[0] == DurableChild.Flag)
{
    return await DurableChild.RunAsync(args);
}

if (args.Length > 0 && args[0] == DurableHost.Flag)
{
    return await DurableHost.RunAsync(args);
}

if (args.Length > 0 && args[0] == PgRun.Flag)
{
    return await PgRun.RunAsync(args);
}

if (args.Length > 0 && args[0] == PgHost.Flag)
{
    return await PgHost.RunAsync(args);
}

if (args.Length > 0 && args[0] == "--quick")
{
    return await QuickRun.RunAsync(args);
}

if (args.Length > 0 && args[0] == "--pairs")
{
    return BackgroundTasks.Benchmarks.Partitioning.PairedRun.Run(args);
}

if (args.Length > 0 && args[0] == "--alloc")
{
    return await AllocationProfile.RunAsync();
}

if (args.Length > 0 && args[0] is "--latency" or "--memory" or "--child")
{
    return await PeerReports.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
