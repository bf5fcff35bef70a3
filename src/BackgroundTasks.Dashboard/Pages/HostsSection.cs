namespace BackgroundTasks.Dashboard;

/// <summary>
/// The overview's hosts that share the store, with their heartbeats, when the store lists them
/// (<see cref="IJobMonitor.ListHostsAsync"/>). A host is marked stale when its last heartbeat is older than the
/// store's lease duration: hosts renew their leases every third of it, so it has missed three heartbeats and other
/// hosts may recover its jobs (<see cref="JobHostInfo.IsStale"/>).
/// </summary>
internal static class HostsSection
{
    public static void Render(HtmlBuilder html, DashboardRequest request, IReadOnlyList<JobHostInfo> hosts)
    {
        if (hosts.Count == 0)
        {
            return;
        }

        var stale = hosts.Count(h => h.IsStale(request.Now));
        html.Add($"<section class=\"hosts\" id=\"hosts\"><h2>Hosts</h2><p class=\"muted\" data-hosts=\"{hosts.Count}\" data-stale=\"{stale}\">{Display.Count(hosts.Count)} {(hosts.Count == 1 ? "instance" : "instances")} share the store, {Display.Count(stale)} stale (no heartbeat for longer than the lease duration, {Display.Duration(hosts[0].LeaseDuration)}: three missed renewals).</p>");
        html.Add($"<div class=\"table-wrap\"><table class=\"hosts\"><thead><tr><th>Host</th><th>Instance</th><th>Started</th><th>Last heartbeat</th><th>State</th></tr></thead><tbody>");
        foreach (var host in hosts)
        {
            var isStale = host.IsStale(request.Now);
            html.Add($"<tr data-host-owner=\"{host.Owner}\" data-stale=\"{(isStale ? "true" : "false")}\"><th scope=\"row\">{host.Name}</th><td>{host.Owner}</td>");
            html.Add($"<td class=\"time\" title=\"{Display.Time(host.StartedAt)} UTC\">{Display.Relative(host.StartedAt, request.Now)}</td>");
            html.Add($"<td class=\"time\" title=\"{Display.Time(host.LastHeartbeat)} UTC\">{Display.Relative(host.LastHeartbeat, request.Now)}</td>");
            html.Add($"<td><span class=\"status {(isStale ? "s-failed" : "s-succeeded")}\">{(isStale ? "stale" : "alive")}</span></td></tr>");
        }

        html.Add($"</tbody></table></div></section>");
    }
}
