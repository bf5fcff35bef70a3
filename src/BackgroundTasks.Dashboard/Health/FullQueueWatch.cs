namespace BackgroundTasks.Dashboard;

/// <summary>Remembers since when the health check has found each queue full, for as long as every check finds it so.</summary>
internal sealed class FullQueueWatch
{
    private readonly Dictionary<string, DateTimeOffset> _fullSince = new(StringComparer.Ordinal);

    /// <summary>Records what one check saw.</summary>
    /// <returns>The queues full for at least <paramref name="threshold"/>, with the time they were first found full.</returns>
    public List<(JobQueueStatus Queue, DateTimeOffset Since)> Observe(IReadOnlyList<JobQueueStatus> queues, DateTimeOffset now, TimeSpan threshold)
    {
        var stuck = new List<(JobQueueStatus, DateTimeOffset)>();
        lock (_fullSince)
        {
            foreach (var queue in queues)
            {
                if (!queue.IsFull)
                {
                    _fullSince.Remove(queue.Name);
                    continue;
                }

                if (!_fullSince.TryGetValue(queue.Name, out var since))
                {
                    _fullSince[queue.Name] = since = now;
                }

                if (now - since >= threshold)
                {
                    stuck.Add((queue, since));
                }
            }
        }

        return stuck;
    }
}
