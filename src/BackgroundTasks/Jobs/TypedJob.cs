namespace BackgroundTasks;

/// <summary>A typed job: a registered <see cref="IJob{TArgs}"/> (or <see cref="IJob{TArgs, TResult}"/>) and its serialized arguments.</summary>
internal sealed class TypedJob(JobId id, JobSettings settings, JobRegistration registration, string arguments) : LiveJob(id, settings)
{
    private object? _result;

    public override string? Arguments => arguments;

    public override object? Result => _result;

    public override Task InvokeAsync(JobContext context)
    {
        var running = registration.RunAsync(context.Services, arguments, context);
        if (running.IsCompletedSuccessfully)
        {
            _result = running.Result;
            return Task.CompletedTask;
        }

        return KeepResultAsync(running);
    }

    private async Task KeepResultAsync(Task<object?> running) => _result = await running.ConfigureAwait(false);
}
