using System.Text.Json.Serialization;

namespace BackgroundTasks;

/// <summary>
/// The order in which a queue's workers pick jobs. Higher priorities go first, but a waiting job of a lower
/// priority is passed over at most eight times in a row, so a steady stream of high-priority jobs never
/// starves the rest.
/// </summary>
/// <remarks>System.Text.Json writes it as its name, for example <c>"High"</c>, and reads names or numbers.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<JobPriority>))]
public enum JobPriority
{
    /// <summary>Picked after normal and high jobs.</summary>
    Low = -1,

    /// <summary>The default.</summary>
    Normal = 0,

    /// <summary>Picked first.</summary>
    High = 1,
}
