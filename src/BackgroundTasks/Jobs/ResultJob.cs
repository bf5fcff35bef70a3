namespace BackgroundTasks;

/// <summary>A lambda job that returns a value, kept as the job's result.</summary>
/// <typeparam name="TResult">The value's type.</typeparam>
internal sealed class ResultJob<TResult>(JobId id, JobSettings settings, Func<JobContext, Task<TResult>> job) : LiveJob(id, settings)
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

    protected override void ForgetCode() => _job = null;

    private async Task KeepResultAsync(Task<TResult> running) => _result = await running.ConfigureAwait(false);
}
