namespace WebDashboard.Api;

/// <summary>The body of <c>POST /api/jobs</c>. Both members are nullable so that a missing one is reported by name.</summary>
public sealed record StartReportRequest(string? Name, int? Pages)
{
    public const int MaxPages = 1000;
    public const int MaxNameLength = 100;

    /// <summary>Returns the problems with this request by member name; empty when it is valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors["name"] = ["The report needs a name."];
        }
        else if (Name.Length > MaxNameLength)
        {
            errors["name"] = [$"The name must be at most {MaxNameLength} characters long."];
        }

        if (Pages is not { } pages)
        {
            errors["pages"] = ["Say how many pages the report has."];
        }
        else if (pages is < 1 or > MaxPages)
        {
            errors["pages"] = [$"Pages must be from 1 to {MaxPages}."];
        }

        return errors;
    }
}
