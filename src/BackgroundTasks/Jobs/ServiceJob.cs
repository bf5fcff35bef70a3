using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks;

/// <summary>A lambda job that receives a service from its attempt's DI scope.</summary>
/// <typeparam name="TService">The service.</typeparam>
internal sealed class ServiceJob<TService>(JobId id, JobSettings settings, Func<TService, JobContext, Task> job) : LiveJob(id, settings)
    where TService : notnull
{
    private Func<TService, JobContext, Task>? _job = job;

    public override Task InvokeAsync(JobContext context) => _job!(context.Services.GetRequiredService<TService>(), context);

    protected override void ForgetCode() => _job = null;
}
