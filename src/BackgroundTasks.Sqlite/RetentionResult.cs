namespace BackgroundTasks.Sqlite;

/// <summary>How many finished jobs one clean-up deleted.</summary>
/// <param name="DeletedByAge">Jobs finished longer ago than the retention period.</param>
/// <param name="DeletedByCount">The oldest finished jobs beyond the maximum count.</param>
internal readonly record struct RetentionResult(int DeletedByAge, int DeletedByCount)
{
    public int Deleted => DeletedByAge + DeletedByCount;
}
