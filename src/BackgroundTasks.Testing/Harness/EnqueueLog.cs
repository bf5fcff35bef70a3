namespace BackgroundTasks.Testing;

/// <summary>
/// Every job the store accepted, in order, with what the enqueue call passed when it came through
/// <see cref="IJobQueue"/>. The call is noted when the enqueue returns, which may be before or after the
/// store's record (a store that answers later), so the two are joined when read.
/// </summary>
internal sealed class EnqueueLog
{
    private readonly Lock _gate = new();
    private readonly List<JobRecord> _accepted = [];
    private readonly Dictionary<JobId, EnqueueCall> _calls = [];

    public void Accepted(JobRecord record)
    {
        lock (_gate)
        {
            _accepted.Add(record);
        }
    }

    public void Called(JobId id, EnqueueCall call)
    {
        lock (_gate)
        {
            _calls[id] = call;
        }
    }

    public IReadOnlyList<EnqueuedJob> Snapshot()
    {
        lock (_gate)
        {
            var jobs = new EnqueuedJob[_accepted.Count];
            for (var i = 0; i < jobs.Length; i++)
            {
                var record = _accepted[i];
                jobs[i] = new EnqueuedJob(record, _calls.GetValueOrDefault(record.Id));
            }

            return jobs;
        }
    }
}
