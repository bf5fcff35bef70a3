using System.Globalization;

namespace BackgroundTasks.Testing;

/// <summary>Describes records, transitions and their differences for violation messages.</summary>
internal static class RecordText
{
    private const int MaxText = 100;

    private static readonly (string Name, Func<JobRecord, object?> Get)[] s_fields =
    [
        ("Id", static r => r.Id),
        ("Name", static r => r.Name),
        ("Queue", static r => r.Queue),
        ("Priority", static r => r.Priority),
        ("Status", static r => r.Status),
        ("Attempt", static r => r.Attempt),
        ("MaxAttempts", static r => r.MaxAttempts),
        ("EnqueuedAt", static r => r.EnqueuedAt),
        ("ScheduledAt", static r => r.ScheduledAt),
        ("StartedAt", static r => r.StartedAt),
        ("FinishedAt", static r => r.FinishedAt),
        ("Progress", static r => r.Progress),
        ("Error", static r => r.Error),
        ("Result", static r => r.Result),
        ("ParentId", static r => r.ParentId),
        ("Arguments", static r => r.Arguments),
        ("CancelReason", static r => r.CancelReason),
        ("TraceParent", static r => r.TraceParent),
        ("TraceState", static r => r.TraceState),
        ("UniqueKey", static r => r.UniqueKey),
        ("ContinueAfter", static r => r.ContinueAfter),
        ("ContinueWhen", static r => r.ContinueWhen),
        ("Timeout", static r => r.Timeout),
        ("Backoff", static r => r.Backoff),
    ];

    private static readonly HashSet<string> s_immutable = new(StringComparer.Ordinal) { "Id", "Name", "Queue", "Priority", "MaxAttempts", "EnqueuedAt", "ParentId", "TraceParent", "TraceState", "UniqueKey", "ContinueAfter", "ContinueWhen", "Timeout", "Backoff" };

    /// <summary>Lists the fields that differ, as "Field: expected X, got Y"; empty when the records are equal.</summary>
    public static string Diff(JobRecord expected, JobRecord actual, bool immutableOnly = false)
    {
        var differences = new List<string>();
        foreach (var (name, get) in s_fields)
        {
            if (immutableOnly && !s_immutable.Contains(name))
            {
                continue;
            }

            var want = get(expected);
            var got = get(actual);
            if (!Equals(want, got))
            {
                var showType = name == "Result";
                differences.Add($"{name}: expected {Value(want, showType)}, got {Value(got, showType)}");
            }
        }

        return string.Join("; ", differences);
    }

    public static string Describe(JobRecord? record) => record is null
        ? "null"
        : $"{{ Id = {record.Id}, Status = {record.Status}, Attempt = {record.Attempt}, ScheduledAt = {Value(record.ScheduledAt)}, StartedAt = {Value(record.StartedAt)}, FinishedAt = {Value(record.FinishedAt)}, Progress = {Value(record.Progress)}, Error = {Value(record.Error)}, Result = {Value(record.Result)}, CancelReason = {record.CancelReason} }}";

    public static string Describe(JobTransition transition)
    {
        var text = $"{transition.Status}, attempt {transition.Attempt}, at {Value(transition.Timestamp)}";
        if (transition.ScheduledAt is { } scheduledAt)
        {
            text += $", scheduled at {Value(scheduledAt)}";
        }

        if (transition.Error is { } error)
        {
            text += $", error {Value(error)}";
        }

        if (transition.Result is { } result)
        {
            text += $", result {Value(result, showType: true)}";
        }

        if (transition.CancelReason != JobCancelReason.None)
        {
            text += $", reason {transition.CancelReason}";
        }

        return text;
    }

    public static string Value(object? value, bool showType = false) => value switch
    {
        null => "null",
        string { Length: > MaxText } text => $"\"{text[..MaxText]}...\" ({text.Length} characters)",
        string text => $"\"{text}\"",
        Enum or JobId or bool => $"{value}",
        DateTimeOffset time => time.ToString("O", CultureInfo.InvariantCulture),
        JobError error => $"JobError({error.Type}: \"{error.Message}\"{(error.TimedOut ? ", timed out" : string.Empty)})",
        JobProgress progress => string.Create(CultureInfo.InvariantCulture, $"{progress.Percent}% \"{progress.Message}\" {progress.ItemsDone}/{progress.ItemsTotal}"),
        IFormattable formattable when !showType => formattable.ToString(null, CultureInfo.InvariantCulture),
        IFormattable formattable => $"{formattable.ToString(null, CultureInfo.InvariantCulture)} ({value.GetType().Name})",
        _ when !showType => $"{value}",
        _ => $"{value} ({value.GetType().Name})",
    };
}
