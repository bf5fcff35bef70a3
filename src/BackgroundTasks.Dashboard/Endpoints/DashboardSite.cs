namespace BackgroundTasks.Dashboard;

/// <summary>One mapped dashboard: its pattern (without a trailing '/') and its own copy of the options.</summary>
internal sealed class DashboardSite(string prefix, BackgroundJobsDashboardOptions options)
{
    /// <summary>Gets the mapped pattern: "" for the site's root, otherwise "/jobs" and the like.</summary>
    public string Prefix { get; } = prefix;

    public BackgroundJobsDashboardOptions Options { get; } = options;

    /// <summary>Normalizes and checks a pattern: a literal path that starts with '/'.</summary>
    /// <exception cref="ArgumentException">The pattern has route parameters, a query, or does not start with '/'.</exception>
    public static string NormalizePattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (!pattern.StartsWith('/') || pattern.AsSpan().IndexOfAny("{}?#*") >= 0 || pattern.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The dashboard's pattern must be a plain path that starts with '/', such as \"/jobs\" (no route parameters, query or '//'), not \"{pattern}\".", nameof(pattern));
        }

        return pattern.TrimEnd('/');
    }
}
