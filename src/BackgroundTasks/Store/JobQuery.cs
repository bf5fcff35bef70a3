namespace BackgroundTasks;

/// <summary>Filters and a page for <see cref="IJobStore.QueryAsync"/>. Results come newest first.</summary>
public sealed record JobQuery
{
    private readonly int _skip;
    private readonly int _take = 50;

    /// <summary>Gets only jobs in this status, when set.</summary>
    public JobStatus? Status { get; init; }

    /// <summary>Gets only jobs in this queue, when set.</summary>
    public string? Queue { get; init; }

    /// <summary>Gets only jobs with this name, when set.</summary>
    public string? Name { get; init; }

    /// <summary>Gets only children of this job, when set.</summary>
    public JobId? ParentId { get; init; }

    /// <summary>Gets how many matching jobs to skip.</summary>
    /// <value>Defaults to 0. Must not be negative.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int Skip
    {
        get => _skip;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Skip));
            _skip = value;
        }
    }

    /// <summary>Gets the largest number of jobs to return.</summary>
    /// <value>Defaults to 50. Must be from 1 to 10,000.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 1 to 10,000.</exception>
    public int Take
    {
        get => _take;
        init
        {
            if (value is < 1 or > 10_000)
            {
                throw new ArgumentOutOfRangeException(nameof(Take), value, "Take must be from 1 to 10,000; page through larger results with Skip.");
            }

            _take = value;
        }
    }

    /// <summary>Tells whether a record matches this query's filters (paging aside).</summary>
    /// <param name="record">The record.</param>
    /// <returns><see langword="true"/> when every set filter matches.</returns>
    public bool Matches(JobRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (Status is not { } status || record.Status == status)
            && (Queue is null || string.Equals(record.Queue, Queue, StringComparison.Ordinal))
            && (Name is null || string.Equals(record.Name, Name, StringComparison.Ordinal))
            && (ParentId is not { } parent || record.ParentId == parent);
    }
}
