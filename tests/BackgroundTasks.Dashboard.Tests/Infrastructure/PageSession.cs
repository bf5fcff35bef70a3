using System.Net;
using System.Text.RegularExpressions;

namespace BackgroundTasks.Dashboard.Tests;

/// <summary>
/// Reads dashboard pages through a test server's client the way a browser would for forms: it keeps the
/// antiforgery cookie from a page and posts the page's token with it.
/// </summary>
public sealed partial class PageSession(HttpClient client)
{
    private string? _cookie;

    /// <summary>Gets the antiforgery token of the last page read, if it had forms.</summary>
    public string? Token { get; private set; }

    public async Task<string> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"GET {path}: {body}");
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            _cookie = cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)) ?? _cookie;
        }

        if (TokenField().Match(body) is { Success: true } match)
        {
            Token = match.Groups[1].Value;
        }

        return body;
    }

    /// <summary>Posts a form as the dashboard's own page would (same origin, the token and its cookie), unless told otherwise.</summary>
    public async Task<HttpResponseMessage> PostAsync(
        string path, IEnumerable<KeyValuePair<string, string>>? fields = null, bool withToken = true, string? origin = "same", string? fetchSite = "same-origin")
    {
        var form = new List<KeyValuePair<string, string>>(fields ?? []);
        if (withToken)
        {
            Assert.That(Token, Is.Not.Null, "Read a page with forms first.");
            form.Add(new("__RequestVerificationToken", Token!));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (withToken && _cookie is not null)
        {
            request.Headers.Add("Cookie", _cookie);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin == "same" ? client.BaseAddress!.GetLeftPart(UriPartial.Authority) : origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        return await client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
