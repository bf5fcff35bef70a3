namespace BackgroundTasks;

/// <summary>
/// The rules for the names typed jobs are registered under. A store keeps the name to run the job again, so
/// it must be stable, short, and safe in a database column, a log line and a URL: 1 to
/// <see cref="MaxLength"/> characters, each an ASCII letter or digit, '-', '_', '.' or ':'. Names are
/// case-sensitive.
/// </summary>
internal static class JobNames
{
    /// <summary>The longest name allowed.</summary>
    public const int MaxLength = 200;

    /// <summary>Describes the allowed characters, for messages.</summary>
    public const string SafeSet = "ASCII letters and digits, '-', '_', '.' and ':'";

    /// <summary>Throws when <paramref name="name"/> is not a valid job name, saying what to change.</summary>
    /// <param name="name">The name.</param>
    /// <param name="addJob">The registering call without its arguments, such as <c>AddJob&lt;SendInvoice, InvoiceArgs&gt;</c>, for the example in the message.</param>
    /// <param name="jobType">The job's type, from which the example's name is made.</param>
    /// <param name="paramName">The parameter that holds the name.</param>
    public static void ThrowIfInvalid(string? name, string addJob, Type jobType, string paramName = "name")
    {
        var example = $"{addJob}(\"{Suggest(jobType)}\")";
        if (name is null)
        {
            throw new ArgumentNullException(paramName, $"A typed job needs a name: the store keeps it to run the job again. Pass one, for example {example}.");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"The job name is empty or white space: the store keeps it to run the job again. Pass a name, for example {example}.", paramName);
        }

        if (name.Length > MaxLength)
        {
            throw new ArgumentException($"The job name '{name[..40]}...' is {name.Length} characters long: use at most {MaxLength}.", paramName);
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (!IsSafe(name[i]))
            {
                throw new ArgumentException(
                    $"The job name '{name}' has '{name[i]}' (U+{(int)name[i]:X4}) at index {i}: use only {SafeSet}, for example {example}.",
                    paramName);
            }
        }
    }

    /// <summary>Makes a name from a type's name: <c>SendInvoiceJob</c> becomes <c>send-invoice-job</c>.</summary>
    public static string Suggest(Type jobType)
    {
        var typeName = jobType.Name;
        var tick = typeName.IndexOf('`', StringComparison.Ordinal);
        var text = new System.Text.StringBuilder(typeName.Length + 4);
        var previous = '-';
        foreach (var c in tick < 0 ? typeName : typeName[..tick])
        {
            if (char.IsAsciiLetterUpper(c) && (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous)))
            {
                text.Append('-');
            }

            if (IsSafe(c))
            {
                text.Append(char.ToLowerInvariant(c));
                previous = c;
            }
        }

        return text.Length == 0 ? "my-job" : text.ToString();
    }

    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':';
}
