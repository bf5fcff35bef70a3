using System.Net;
using BackgroundTasks.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Dashboard.Tests;

/// <summary>How a test's app is built.</summary>
public sealed class DashboardAppOptions
{
    /// <summary>Gets or sets a value indicating whether the app listens on real Kestrel (127.0.0.1, a free port) instead of a test server.</summary>
    public bool Kestrel { get; set; }

    public StoreKind Store { get; set; }

    /// <summary>Gets or sets the remote address a test server's requests appear to come from (a test server has none of its own).</summary>
    public IPAddress? RemoteIp { get; set; } = IPAddress.Loopback;

    /// <summary>Gets or sets how the dashboard is mapped; by default <c>MapBackgroundJobsDashboard("/jobs")</c>.</summary>
    public Action<WebApplication> Map { get; set; } = static app => app.MapBackgroundJobsDashboard("/jobs");

    public Action<BackgroundJobsDashboardOptions>? Dashboard { get; set; }

    public Action<BackgroundJobsBuilder>? Jobs { get; set; }

    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>Gets or sets the default queue's workers.</summary>
    public int Workers { get; set; } = 4;
}
