using System.Text.Json.Serialization;

namespace BackgroundTasks;

/// <summary>Where a job is in its life. A job's status only moves forward; the last three are terminal.</summary>
/// <remarks>System.Text.Json writes it as its name, for example <c>"Succeeded"</c>, and reads names or numbers.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    /// <summary>Accepted, waiting for its run-at time (a delayed job).</summary>
    Scheduled = 0,

    /// <summary>Accepted, waiting in its queue for a worker.</summary>
    Queued = 1,

    /// <summary>A worker is running it.</summary>
    Running = 2,

    /// <summary>An attempt failed and the job waits for its back-off delay before it is queued again.</summary>
    Retrying = 3,

    /// <summary>Finished without an exception. Terminal.</summary>
    Succeeded = 4,

    /// <summary>Its last attempt threw or timed out. Terminal.</summary>
    Failed = 5,

    /// <summary>Cancelled by id or by shutdown before it finished. Terminal.</summary>
    Cancelled = 6,
}
