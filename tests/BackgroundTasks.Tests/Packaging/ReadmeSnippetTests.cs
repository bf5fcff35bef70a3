using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace BackgroundTasks.Tests.Packaging;

/// <summary>
/// Every <c>```csharp</c> block of README.md builds as shown: each becomes a console project of its own in a
/// temporary folder outside the repository (so the repository's build settings and central package versions
/// do not apply), with the packages its first line names, and one <c>dotnet build</c> builds them all.
/// </summary>
[Category("Package")]
[NonParallelizable]
public sealed partial class ReadmeSnippetTests
{
    private static readonly string[] s_libraryProjects = ["BackgroundTasks", "BackgroundTasks.Sqlite", "BackgroundTasks.PostgreSql", "BackgroundTasks.Testing", "BackgroundTasks.Dashboard", "BackgroundTasks.Recurring"];

    [Test]
    [CancelAfter(300_000)]
    public async Task ReadmeCsharpBlocks_BuiltAsShown_Compile(CancellationToken cancellationToken)
    {
        var root = DotnetCli.RepoRoot;
        IReadOnlyList<ReadmeSnippet> snippets = [];
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"), cancellationToken);
        Assert.That(() => snippets = ReadmeSnippet.Parse(readme), Throws.Nothing, "Every ```csharp block follows the README's convention");
        Assert.That(snippets, Is.Not.Empty, "README.md has ```csharp blocks");
        var versions = ReadPackageVersions(Path.Combine(root, "Directory.Packages.props"));

        var work = Directory.CreateTempSubdirectory("backgroundtasks-readme-").FullName;
        var sources = await WriteProjectsAsync(work, snippets, versions, cancellationToken);

        var clock = Stopwatch.StartNew();
        var (code, output) = await DotnetCli.RunAsync(
            ["build", "readme.slnx", "--artifacts-path", Path.Combine(work, "artifacts"), "-nologo", "-v:q", "-clp:NoSummary"],
            work,
            cancellationToken);
        await TestContext.Progress.WriteLineAsync($"Built {snippets.Count} README blocks in {clock.Elapsed.TotalSeconds:0} s.");

        if (code == 0)
        {
            Directory.Delete(work, recursive: true);
        }

        Assert.That(code, Is.Zero, $"README blocks do not build (projects kept in {work}):\n{Explain(output, sources)}");
    }

    [Test]
    public void Parse_BlockWithoutPackagesLine_NamesTheLineAndTheConvention()
    {
        var markdown = "# Title\n\n```csharp\nvar x = 1;\n```\n";

        Assert.That(() => ReadmeSnippet.Parse(markdown), Throws.InstanceOf<FormatException>()
            .With.Message.StartsWith("README.md line 4:").And.Message.Contains("// Packages:"));
    }

    [Test]
    public void Parse_Header_ReadsPackagesSdkAndUses()
    {
        var markdown = "text\n```csharp\n// Packages: BackgroundTasks, NUnit\n// Sdk: Microsoft.NET.Sdk.Web\n// Uses: MyStore\nvar x = 1;\n```\n";

        var snippet = ReadmeSnippet.Parse(markdown).Single();

        Assert.That(snippet.Line, Is.EqualTo(2));
        Assert.That(snippet.Packages, Is.EqualTo(new[] { "BackgroundTasks", "NUnit" }));
        Assert.That(snippet.Sdk, Is.EqualTo("Microsoft.NET.Sdk.Web"));
        Assert.That(snippet.Uses, Is.EqualTo(new[] { "MyStore" }));
        Assert.That(snippet.Code, Does.EndWith("var x = 1;\n"));
    }

    /// <summary>Writes one project per block and a solution of them all; returns which block each source file holds.</summary>
    private static async Task<Dictionary<string, ReadmeSnippet>> WriteProjectsAsync(
        string work, IReadOnlyList<ReadmeSnippet> snippets, IReadOnlyDictionary<string, string> versions, CancellationToken cancellationToken)
    {
        // Stop MSBuild from looking further up for build settings or central package versions.
        await File.WriteAllTextAsync(Path.Combine(work, "Directory.Build.props"), "<Project />", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, "Directory.Build.targets"), "<Project />", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, "Directory.Packages.props"), "<Project />", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(work, "EntryPoint.cs"), "internal static class ReadmeEntryPoint\n{\n    private static void Main()\n    {\n    }\n}\n", cancellationToken);

        var sources = new Dictionary<string, ReadmeSnippet>();
        var solution = new StringBuilder("<Solution>\n");
        foreach (var snippet in snippets)
        {
            var name = $"ReadmeLine{snippet.Line}";
            var folder = Path.Combine(work, name);
            Directory.CreateDirectory(folder);

            var files = new List<(string Name, ReadmeSnippet Snippet)> { ("Program.cs", snippet) };
            foreach (var type in snippet.Uses)
            {
                var declaring = snippets.Where(s => s != snippet && s.Declares(type)).ToList();
                Assert.That(declaring, Has.Count.EqualTo(1), $"README.md line {snippet.Line + 1}: '// Uses: {type}' needs exactly one other ```csharp block that declares {type}.");
                files.Add(($"{type}.cs", declaring[0]));
            }

            foreach (var (file, source) in files)
            {
                var path = Path.Combine(folder, file);
                await File.WriteAllTextAsync(path, source.Code, cancellationToken);
                sources[path] = source;
            }

            var packages = files.SelectMany(f => f.Snippet.Packages).Distinct().ToList();
            await File.WriteAllTextAsync(Path.Combine(folder, $"{name}.csproj"), ProjectFile(snippet, packages, versions), cancellationToken);
            solution.Append(CultureInfo.InvariantCulture, $"  <Project Path=\"{name}/{name}.csproj\" />\n");
        }

        await File.WriteAllTextAsync(Path.Combine(work, "readme.slnx"), solution.Append("</Solution>\n").ToString(), cancellationToken);
        return sources;
    }

    private static string ProjectFile(ReadmeSnippet snippet, IEnumerable<string> packages, IReadOnlyDictionary<string, string> versions)
    {
        var references = new StringBuilder();
        foreach (var package in packages)
        {
            if (s_libraryProjects.Contains(package))
            {
                var project = Path.Combine(DotnetCli.RepoRoot, "src", package, $"{package}.csproj");
                references.Append(CultureInfo.InvariantCulture, $"    <ProjectReference Include=\"{project}\" />\n");
            }
            else
            {
                Assert.That(versions.TryGetValue(package, out var version), Is.True, $"README.md line {snippet.Line + 1}: package '{package}' has no version in Directory.Packages.props; add it there or name another package.");
                references.Append(CultureInfo.InvariantCulture, $"    <PackageReference Include=\"{package}\" Version=\"{version}\" />\n");
            }
        }

        // A block of statements is the app's Program.cs. A block of types is a file added to such an app:
        // the empty Main stands in for the app's own Program.cs, and the compiler ignores it (CS7022) when
        // the block has statements.
        return $"""
            <Project Sdk="{snippet.Sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <NoWarn>$(NoWarn);CS7022</NoWarn>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
              <ItemGroup>
                <Compile Include="$(MSBuildThisFileDirectory)../EntryPoint.cs" Link="EntryPoint.cs" />
              </ItemGroup>
            </Project>
            """;
    }

    /// <summary>Reads the package versions of Directory.Packages.props, with its properties expanded.</summary>
    private static Dictionary<string, string> ReadPackageVersions(string path)
    {
        var props = XDocument.Load(path).Root!;
        var properties = props.Elements("PropertyGroup").Elements().ToDictionary(e => e.Name.LocalName, e => e.Value);
        return props.Elements("ItemGroup").Elements("PackageVersion").ToDictionary(
            e => e.Attribute("Include")!.Value,
            e => PropertyReference().Replace(e.Attribute("Version")!.Value, m => properties[m.Groups[1].Value]),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Turns the compiler's errors into README lines; other build errors are kept as they are.</summary>
    private static string Explain(string output, Dictionary<string, ReadmeSnippet> sources)
    {
        var explained = new SortedSet<string>(StringComparer.Ordinal);
        var other = new List<string>();
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Diagnostic().Match(line);
            if (match.Success && sources.TryGetValue(Path.GetFullPath(match.Groups["file"].Value), out var snippet))
            {
                var readmeLine = snippet.Line + int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture);
                explained.Add($"README.md line {readmeLine,4} (block at line {snippet.Line}): {match.Groups["text"].Value}");
            }
            else if (line.Contains("error", StringComparison.OrdinalIgnoreCase) && !Summary().IsMatch(line) && !other.Contains(line))
            {
                other.Add(line);
            }
        }

        return string.Join('\n', explained.Concat(other)) + $"\n\nConvention: {ReadmeSnippet.Convention}.";
    }

    [GeneratedRegex(@"^\d+ (Error|Warning)\(s\)$")]
    private static partial Regex Summary();

    [GeneratedRegex(@"\$\((\w+)\)")]
    private static partial Regex PropertyReference();

    [GeneratedRegex(@"^(?<file>[^(]+)\((?<line>\d+),\d+\): (?<text>(error|warning) \w+: .*?)(\s\[[^\]]*\])?$")]
    private static partial Regex Diagnostic();
}
