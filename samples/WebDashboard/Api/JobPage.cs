using BackgroundTasks;

namespace WebDashboard.Api;

/// <summary>One page of the job listing, newest first; <see cref="Next"/> is the next page's URL, or null on the last page.</summary>
public sealed record JobPage(IReadOnlyList<JobRecord> Items, int Skip, int Take, string? Next);
