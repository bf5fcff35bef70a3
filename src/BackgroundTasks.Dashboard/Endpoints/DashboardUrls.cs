using System.Text;

namespace BackgroundTasks.Dashboard;

/// <summary>The dashboard's links, absolute paths under its base (the app's path base plus the mapped pattern). Values are URL-escaped here, HTML-encoded where written.</summary>
internal sealed class DashboardUrls(string basePath)
{
    public string Base { get; } = basePath;

    public string Home => Base.Length == 0 ? "/" : Base;

    public string Find => $"{Base}/find";

    public string Bulk => $"{Base}/bulk";

    public string Waiting(string? queue = null, int page = 1) => Query($"{Base}/waiting", ("queue", queue), ("page", page > 1 ? Number(page) : null));

    public string List(JobStatus? status = null, string? queue = null, string? name = null, JobId? parent = null, int page = 1)
        => Query(
            $"{Base}/list",
            ("status", status?.ToString()),
            ("queue", queue),
            ("name", name),
            ("parent", parent?.ToString()),
            ("page", page > 1 ? Number(page) : null));

    public string Job(JobId id) => $"{Base}/job/{id}";

    public string Recurring => $"{Base}/recurring";

    public string RecurringAction(string name, string action) => $"{Base}/recurring/{Uri.EscapeDataString(name)}/{action}";

    /// <summary>The schedules page after an action, saying what was done (and, after a trigger, which job it enqueued).</summary>
    public string RecurringDone(string action, string name, JobId? job = null)
        => Query(Recurring, ("done", action), ("name", name), ("job", job?.ToString()));

    public string Events(JobId id) => $"{Base}/job/{id}/events";

    public string Action(JobId id, string action) => $"{Base}/job/{id}/{action}";

    public string Asset(string file, string version) => $"{Base}/assets/{file}?v={version}";

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var url = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (!string.IsNullOrEmpty(value))
            {
                url.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
                separator = '&';
            }
        }

        return url.ToString();
    }
}
