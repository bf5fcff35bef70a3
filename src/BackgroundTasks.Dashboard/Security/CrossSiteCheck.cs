using Microsoft.AspNetCore.Http;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// Refuses an action that a page of another origin made the browser send. Browsers say where a request comes
/// from: <c>Sec-Fetch-Site</c> (must be <c>same-origin</c>) and <c>Origin</c> (must be this request's scheme,
/// host and port). A client that sends neither (curl, an old browser) is left to the antiforgery token.
/// </summary>
internal static class CrossSiteCheck
{
    public static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        // "null" (a sandboxed frame, a file, a redirect across origins) is never this origin.
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from) || from.Scheme is not ("http" or "https"))
        {
            return false;
        }

        var port = request.Host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(from.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(from.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
            && from.Port == port;
    }
}
