using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks;

/// <summary>A job whose delegate returns no value.</summary>
internal sealed class DelegateJob(JobId id, NamedJobQueue queue, JobOptions? options, Func<JobContext, Task> job)
    : JobWorkItem(id, queue, options)
{
    public override Task InvokeAsync(JobContext context) => job(context);
}

/// <summary>A job whose delegate returns a value, which is kept as its result.</summary>
internal sealed class ResultJob<TResult>(JobId id, NamedJobQueue queue, JobOptions? options, Func<JobContext, Task<TResult>> job)
    : JobWorkItem(id, queue, options)
{
    private object? _result;

    public override object? Result => _result;

    public override async Task InvokeAsync(JobContext context) => _result = await job(context).ConfigureAwait(false);
}

/// <summary>A job that receives a service resolved from its own DI scope.</summary>
internal sealed class ServiceJob<TService>(JobId id, NamedJobQueue queue, JobOptions? options, Func<TService, JobContext, Task> job)
    : JobWorkItem(id, queue, options)
    where TService : notnull
{
    public override Task InvokeAsync(JobContext context) => job(context.Services.GetRequiredService<TService>(), context);
}
