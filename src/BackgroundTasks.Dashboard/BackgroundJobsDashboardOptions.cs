namespace BackgroundTasks.Dashboard;

/// <summary>
/// Settings of the BackgroundTasks dashboard: set them for every dashboard with
/// <c>AddBackgroundJobsDashboard(options => ...)</c>, or for one with
/// <c>MapBackgroundJobsDashboard(pattern, options => ...)</c>. They are read and checked when the dashboard is mapped.
/// </summary>
public sealed class BackgroundJobsDashboardOptions
{
    /// <summary>Gets or sets the title shown at the top of every page and in the browser's tab.</summary>
    /// <value>Defaults to "Background jobs". Must not be empty.</value>
    public string Title { get; set; } = "Background jobs";

    /// <summary>
    /// Gets or sets a value indicating whether the dashboard only shows: it then hides its actions (cancel, retry
    /// and delete a job; pause, resume and trigger a recurring job) and refuses those requests with 403 Forbidden.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool ReadOnly { get; set; }

    /// <summary>Gets or sets how many jobs a list page shows.</summary>
    /// <value>Defaults to 20. Must be from 1 to 500.</value>
    public int PageSize { get; set; } = 20;

    /// <summary>
    /// Gets or sets how often the overview and the lists refresh themselves in the browser. A job's own page
    /// follows the job live instead (server-sent events).
    /// </summary>
    /// <value>Defaults to 5 seconds. <see cref="TimeSpan.Zero"/> turns refreshing off; otherwise at least 1 second.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets where the "back to the application" link leads: a path of this site (starting with '/') or
    /// an absolute http or https address. <see langword="null"/> shows no link.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? AppPath { get; set; }

    /// <summary>Copies these settings, so that one dashboard's changes leave the others alone.</summary>
    internal BackgroundJobsDashboardOptions Clone() => new()
    {
        Title = Title,
        ReadOnly = ReadOnly,
        PageSize = PageSize,
        RefreshInterval = RefreshInterval,
        AppPath = AppPath,
    };

    /// <summary>Checks every setting, naming the one to change.</summary>
    /// <exception cref="ArgumentException">A setting is out of its range.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Title))
        {
            throw new ArgumentException("BackgroundJobsDashboardOptions.Title must not be empty.", nameof(Title));
        }

        if (PageSize is < 1 or > 500)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "BackgroundJobsDashboardOptions.PageSize must be from 1 to 500.");
        }

        if (RefreshInterval != TimeSpan.Zero && RefreshInterval < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), RefreshInterval, "BackgroundJobsDashboardOptions.RefreshInterval must be zero (no refresh) or at least 1 second.");
        }

        if (AppPath is { } path
            && !(path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal))
            && !(Uri.TryCreate(path, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"BackgroundJobsDashboardOptions.AppPath must be a path of this site starting with '/' or an absolute http(s) address, not '{path}'.", nameof(AppPath));
        }
    }
}
