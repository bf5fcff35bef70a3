using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks;

/// <summary>A job whose delegate returns no value.</summary>
internal sealed class DelegateJob(JobId id, NamedJobQueue queue, JobOptions? options, Func<JobContext, Task> job)
    : JobWorkItem(id, queue, options)
{
    private Func<JobContext, Task>? _job = job;

    public override Task InvokeAsync(JobContext context) => _job!(context);

    protected override void ForgetDelegate() => _job = null;
}

/// <summary>A job whose delegate returns a value, which is kept as its result.</summary>
internal sealed class ResultJob<TResult>(JobId id, NamedJobQueue queue, JobOptions? options, Func<JobContext, Task<TResult>> job)
    : JobWorkItem(id, queue, options)
{
    private Func<JobContext, Task<TResult>>? _job = job;
    private object? _result;

    public override object? Result => _result;

    public override Task InvokeAsync(JobContext context)
    {
        var running = _job!(context);
        if (running.IsCompletedSuccessfully)
        {
            _result = running.Result;
            return Task.CompletedTask;
        }

        return KeepResultAsync(running);
    }

    protected override void ForgetDelegate() => _job = null;

    private async Task KeepResultAsync(Task<TResult> running) => _result = await running.ConfigureAwait(false);
}

/// <summary>A job that receives a service resolved from its own DI scope.</summary>
internal sealed class ServiceJob<TService>(JobId id, NamedJobQueue queue, JobOptions? options, Func<TService, JobContext, Task> job)
    : JobWorkItem(id, queue, options)
    where TService : notnull
{
    private Func<TService, JobContext, Task>? _job = job;

    public override Task InvokeAsync(JobContext context) => _job!(context.Services.GetRequiredService<TService>(), context);

    protected override void ForgetDelegate() => _job = null;
}
