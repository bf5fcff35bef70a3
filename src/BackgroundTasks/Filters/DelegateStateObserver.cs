namespace BackgroundTasks;

/// <summary>An <see cref="IJobStateObserver"/> made from a delegate (<c>OnStateChanged</c>).</summary>
internal sealed class DelegateStateObserver(Action<JobStateChange> onStateChanged) : IJobStateObserver
{
    public void OnStateChanged(JobStateChange change) => onStateChanged(change);
}
