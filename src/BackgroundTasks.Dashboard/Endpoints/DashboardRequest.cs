using System.Globalization;
using System.Text;
using BackgroundTasks.Recurring;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackgroundTasks.Dashboard;

/// <summary>What a page needs for one request: the site, the services, the clock's reading and the links.</summary>
internal sealed class DashboardRequest
{
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private AntiforgeryTokenSet? _tokens;

    public DashboardRequest(HttpContext http, DashboardSite site)
    {
        Http = http;
        Site = site;
        var services = http.RequestServices;
        Monitor = services.GetRequiredService<IJobMonitor>();
        Time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Throughput = services.GetRequiredService<ThroughputRing>();
        JobsOptions = services.GetService<IOptions<BackgroundJobsOptions>>()?.Value;
        Recurring = services.GetService<IRecurringJobs>();
        Now = Time.GetUtcNow();
        Urls = new DashboardUrls(http.Request.PathBase.Add(site.Prefix).Value ?? string.Empty);
    }

    public HttpContext Http { get; }

    public DashboardSite Site { get; }

    public BackgroundJobsDashboardOptions Options => Site.Options;

    public IJobMonitor Monitor { get; }

    public TimeProvider Time { get; }

    public ThroughputRing Throughput { get; }

    /// <summary>Gets the engine's options (queues and their workers), when this app runs the engine.</summary>
    public BackgroundJobsOptions? JobsOptions { get; }

    /// <summary>Gets the recurring jobs, when this app adds them (<c>AddRecurringJob</c> or <c>AddRecurringJobs</c>).</summary>
    public IRecurringJobs? Recurring { get; }

    public DateTimeOffset Now { get; }

    public DashboardUrls Urls { get; }

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Gets a query-string value, or <see langword="null"/> when absent or empty.</summary>
    public string? Query(string name)
    {
        var value = Http.Request.Query[name].ToString();
        return value.Length == 0 ? null : value;
    }

    /// <summary>Gets a positive page number from the query string; 1 when absent or not a positive number.</summary>
    public int PageNumber()
        => int.TryParse(Query("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : 1;

    /// <summary>The hidden form field that carries the antiforgery token (the cookie half is set on this response).</summary>
    public Markup AntiforgeryField()
    {
        SetSecurityHeaders();
        _tokens ??= Http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Http);
        var html = new HtmlBuilder();
        html.Add($"<input type=\"hidden\" name=\"{_tokens.FormFieldName}\" value=\"{_tokens.RequestToken}\">");
        return html.ToMarkup();
    }

    /// <summary>Writes a whole page with the dashboard's security headers.</summary>
    public async Task WriteHtmlAsync(string html, int statusCode = StatusCodes.Status200OK)
    {
        SetSecurityHeaders();
        Http.Response.StatusCode = statusCode;
        Http.Response.ContentType = "text/html; charset=utf-8";
        await Http.Response.WriteAsync(html, Encoding.UTF8, Aborted).ConfigureAwait(false);
    }

    /// <summary>Answers a form with 303 See Other, so that reloading the next page does not post again.</summary>
    public void RedirectTo(string url)
    {
        Http.Response.StatusCode = StatusCodes.Status303SeeOther;
        Http.Response.Headers.Location = url;
    }

    private void SetSecurityHeaders()
    {
        var headers = Http.Response.Headers;
        headers.CacheControl = "no-cache, no-store"; // what antiforgery sets too, so it has nothing to override
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
    }
}
