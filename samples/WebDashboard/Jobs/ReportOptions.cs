namespace WebDashboard.Jobs;

/// <summary>How the sample's report job behaves; bound from the <c>Reports</c> configuration section.</summary>
public sealed class ReportOptions
{
    /// <summary>Gets or sets how long one page takes to render.</summary>
    /// <value>Defaults to 150 ms, so a 20-page report takes 3 s.</value>
    public TimeSpan PageTime { get; set; } = TimeSpan.FromMilliseconds(150);
}
