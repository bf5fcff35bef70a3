using System.Text.RegularExpressions;

namespace BackgroundTasks.Tests.Packaging;

/// <summary>
/// One <c>```csharp</c> block of the README and what its header comment lines say it needs:
/// <code>
/// // Packages: BackgroundTasks, Microsoft.Extensions.Hosting   (required, first line)
/// // Sdk: Microsoft.NET.Sdk.Web                                (optional; Microsoft.NET.Sdk by default)
/// // Uses: AuditingJobStore                                    (optional; the README block that declares this type)
/// </code>
/// </summary>
/// <param name="Line">The README line of the opening fence; the block's first line is the next one.</param>
/// <param name="Code">The block's text, as shown.</param>
/// <param name="Packages">The packages it names: BackgroundTasks ones or any in Directory.Packages.props.</param>
/// <param name="Sdk">The project SDK.</param>
/// <param name="Uses">Types declared by other blocks that it is compiled with.</param>
internal sealed partial record ReadmeSnippet(int Line, string Code, IReadOnlyList<string> Packages, string Sdk, IReadOnlyList<string> Uses)
{
    /// <summary>What a block's first line must look like.</summary>
    public const string Convention = "a ```csharp block starts with '// Packages: BackgroundTasks[, other packages]', optionally followed by "
        + "'// Sdk: Microsoft.NET.Sdk.Web' and '// Uses: TypeFromAnotherBlock' (see the note under 'Quick start' in README.md)";

    /// <summary>Finds every <c>```csharp</c> block of a markdown text and reads its header.</summary>
    /// <param name="markdown">The README's text.</param>
    /// <returns>The blocks, in order.</returns>
    /// <exception cref="FormatException">A block has no header, a bad header line or no closing fence.</exception>
    public static IReadOnlyList<ReadmeSnippet> Parse(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var snippets = new List<ReadmeSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```csharp")
            {
                continue;
            }

            var fence = i + 1;
            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            if (end < 0)
            {
                throw new FormatException($"README.md line {fence}: the ```csharp block is never closed.");
            }

            snippets.Add(FromLines(fence, lines[(i + 1)..end]));
            i = end;
        }

        return snippets;
    }

    /// <summary>Tells whether this block declares a type of that name.</summary>
    /// <param name="typeName">The type's name.</param>
    /// <returns><see langword="true"/> when the block declares it.</returns>
    public bool Declares(string typeName)
        => Regex.IsMatch(Code, $@"\b(class|struct|record|interface|enum)\s+{Regex.Escape(typeName)}\b");

    private static ReadmeSnippet FromLines(int fence, string[] lines)
    {
        var first = lines.Length > 0 ? HeaderLine().Match(lines[0]) : Match.Empty;
        if (!first.Success || first.Groups["key"].Value != "Packages")
        {
            throw new FormatException($"README.md line {fence + 1}: {Convention}.");
        }

        var packages = new List<string>();
        var uses = new List<string>();
        var sdk = "Microsoft.NET.Sdk";
        foreach (var line in lines)
        {
            var header = HeaderLine().Match(line);
            if (!header.Success)
            {
                break;
            }

            var values = header.Groups["value"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            switch (header.Groups["key"].Value)
            {
                case "Packages":
                    packages.AddRange(values);
                    break;
                case "Uses":
                    uses.AddRange(values);
                    break;
                default:
                    sdk = values.Single();
                    break;
            }
        }

        return new ReadmeSnippet(fence, string.Join('\n', lines) + "\n", packages, sdk, uses);
    }

    [GeneratedRegex(@"^//\s*(?<key>Packages|Sdk|Uses):\s*(?<value>\S.*?)\s*$")]
    private static partial Regex HeaderLine();
}
