using System.Text.Json.Serialization;

namespace BackgroundTasks;

/// <summary>Why a job was cancelled.</summary>
/// <remarks>System.Text.Json writes it as its name, for example <c>"Shutdown"</c>, and reads names or numbers.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<JobCancelReason>))]
public enum JobCancelReason
{
    /// <summary>The job was not cancelled.</summary>
    None = 0,

    /// <summary>Somebody asked for it: <see cref="IJobMonitor.CancelAsync"/>, or a cancelled parent job cancelling its children.</summary>
    Requested = 1,

    /// <summary>The host stopped before the job could finish.</summary>
    Shutdown = 2,
}
