namespace BackgroundTasks;

/// <summary>A lambda job: <c>Func&lt;JobContext, Task&gt;</c>.</summary>
internal sealed class DelegateJob(JobId id, JobSettings settings, Func<JobContext, Task> job) : LiveJob(id, settings)
{
    private Func<JobContext, Task>? _job = job;

    public override Task InvokeAsync(JobContext context) => _job!(context);

    protected override void ForgetCode() => _job = null;
}
