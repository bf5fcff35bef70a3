using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// Who may see the dashboard. Safe by default, like Hangfire's local-requests-only filter: an endpoint that
/// carries no authorization metadata of its own (no <c>RequireAuthorization</c>, no <c>AllowAnonymous</c>)
/// answers only requests from this machine (a loopback remote address, or the same address as the server's).
/// With a policy, ASP.NET Core's authorization middleware decides before the dashboard runs.
/// </summary>
internal static class DashboardAccess
{
    /// <summary>Tells whether the request may be served.</summary>
    public static bool IsAllowed(HttpContext context)
        => HasExplicitAuthorization(context.GetEndpoint()) || IsLocal(context.Connection);

    /// <summary>Tells whether the endpoint was given an authorization decision: a policy, roles, a scheme, a requirement, or anonymous access.</summary>
    public static bool HasExplicitAuthorization(Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return false;
        }

        var metadata = endpoint.Metadata;
        return metadata.GetMetadata<IAuthorizeData>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null
            || metadata.GetMetadata<IAuthorizationRequirementData>() is not null
            || metadata.GetMetadata<IAllowAnonymous>() is not null;
    }

    /// <summary>Tells whether the request comes from this machine. An unknown remote address is not local.</summary>
    public static bool IsLocal(ConnectionInfo connection)
    {
        if (connection.RemoteIpAddress is not { } remote)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        if (IPAddress.IsLoopback(remote))
        {
            return true;
        }

        var local = connection.LocalIpAddress;
        if (local is { IsIPv4MappedToIPv6: true })
        {
            local = local.MapToIPv4();
        }

        return remote.Equals(local);
    }
}
