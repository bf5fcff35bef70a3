namespace BackgroundTasks.Sqlite;

/// <summary>
/// What both durable stores check of a job they are asked to record, with the messages they give. The PostgreSQL
/// package links this file, as it does <see cref="JobRecordReader"/>.
/// </summary>
internal static class NewJobChecks
{
    public static ArgumentException DuplicateId(JobId id, string paramName)
        => new($"A job with id {id} is already recorded.", paramName);

    public static void ThrowIfNotNew(JobRecord job, string paramName)
    {
        ArgumentNullException.ThrowIfNull(job, paramName);
        if (job.Status is not (JobStatus.Queued or JobStatus.Scheduled))
        {
            throw new ArgumentException($"A new job must be Queued or Scheduled, not {job.Status} (job {job.Id}).", paramName);
        }

        if (job.Id.IsEmpty)
        {
            throw new ArgumentException("A new job needs an id: set JobRecord.Id to JobId.NewId().", paramName);
        }

        if (string.IsNullOrEmpty(job.Queue))
        {
            throw new ArgumentException($"A new job needs a queue name (job {job.Id}): set JobRecord.Queue.", paramName);
        }
    }
}
