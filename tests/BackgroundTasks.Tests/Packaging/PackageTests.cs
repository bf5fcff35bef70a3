using System.IO.Compression;
using System.Xml.Linq;

namespace BackgroundTasks.Tests.Packaging;

/// <summary>
/// Packs the library, the testing kit and the dashboard and checks their metadata, then builds and runs a throwaway
/// console app that references the library's package from a local folder feed, as a stranger would from NuGet.
/// </summary>
[Category("Package")]
[NonParallelizable]
public sealed class PackageTests
{
    /// <summary>
    /// The project's public repository, once it has one. Until then no package may name a repository or
    /// project URL: an invented one sends users to a page that does not exist. Set it here deliberately,
    /// together with <c>RepositoryUrl</c> and <c>PackageProjectUrl</c> in the packable projects.
    /// </summary>
    private const string? PublicRepositoryUrl = null;

    private static readonly string[] s_packages = ["BackgroundTasks", "BackgroundTasks.Testing", "BackgroundTasks.Dashboard", "BackgroundTasks.Sqlite", "BackgroundTasks.PostgreSql", "BackgroundTasks.Recurring"];
    private static readonly string s_repoRoot = DotnetCli.RepoRoot;
    private string _work = null!;
    private string _feed = null!;
    private string _version = null!;

    [OneTimeSetUp]
    public async Task PackOnce()
    {
        _work = Directory.CreateTempSubdirectory("backgroundtasks-package-").FullName;
        _feed = Path.Combine(_work, "feed");
        _version = $"0.1.0-ci.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        foreach (var project in s_packages)
        {
            var (code, output) = await DotnetCli.RunAsync(["pack", Path.Combine(s_repoRoot, "src", project), "-c", "Release", "-o", _feed, $"-p:Version={_version}", "--nologo"], s_repoRoot);
            Assert.That(code, Is.Zero, $"dotnet pack {project} failed:\n{output}");
        }
    }

    [OneTimeTearDown]
    public void Clean()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Test]
    public void Package_HasMetadataReadmeLicenseAndSymbols()
    {
        var package = Path.Combine(_feed, $"BackgroundTasks.{_version}.nupkg");
        Assert.That(File.Exists(package), Is.True, $"Expected {package}");
        Assert.That(File.Exists(Path.ChangeExtension(package, ".snupkg")), Is.True, "A symbols package is produced.");

        using var zip = ZipFile.OpenRead(package);
        Assert.That(zip.GetEntry("README.md"), Is.Not.Null, "The README is inside the package.");
        Assert.That(zip.GetEntry("lib/net10.0/BackgroundTasks.dll"), Is.Not.Null);
        Assert.That(zip.GetEntry("lib/net10.0/BackgroundTasks.xml"), Is.Not.Null, "XML docs ship for IntelliSense.");

        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        XNamespace ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.That(metadata.Element(ns + "id")!.Value, Is.EqualTo("BackgroundTasks"));
        Assert.That(metadata.Element(ns + "license")!.Value, Is.EqualTo("MIT"));
        Assert.That(metadata.Element(ns + "readme")!.Value, Is.EqualTo("README.md"));
        Assert.That(metadata.Element(ns + "description")!.Value, Is.Not.Empty);
        Assert.That(metadata.Element(ns + "tags")!.Value, Does.Contain("background"));
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        Assert.That(dependencies, Is.Not.Empty);
        Assert.That(dependencies, Is.All.StartsWith("Microsoft.Extensions."), "The library depends on Microsoft.Extensions packages only.");
    }

    [TestCaseSource(nameof(s_packages))]
    public void Package_NamesNoRepositoryOrProjectUrlButTheDeliberateOne(string id)
    {
        var metadata = ReadMetadata(id, out var ns);

        Assert.That(metadata.Element(ns + "id")!.Value, Is.EqualTo(id));
        Assert.That(metadata.Element(ns + "repository")?.Attribute("url")?.Value, Is.EqualTo(PublicRepositoryUrl), "The package's repository URL");
        Assert.That(metadata.Element(ns + "projectUrl")?.Value, Is.EqualTo(PublicRepositoryUrl), "The package's project URL");
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task Package_ReferencedFromFolderFeed_BuildsAndRunsAConsumer()
    {
        var app = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local-feed" value="{_feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="BackgroundTasks" Version="{_version}" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using BackgroundTasks;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            var builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddBackgroundJobs(o => o.Queues["default"].Workers = 2);
            using var host = builder.Build();
            await host.StartAsync();
            var id = await host.Services.GetRequiredService<IJobQueue>().EnqueueAsync(ctx => Task.FromResult(6 * 7));
            var record = await host.Services.GetRequiredService<IJobMonitor>().WaitAsync(id);
            Console.WriteLine($"consumer: {record.Status} {record.Result}");
            await host.StopAsync();
            """);
        // Keep the consumer out of the repository's Directory.Build.props and central package management.
        await File.WriteAllTextAsync(Path.Combine(_work, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_work, "Directory.Packages.props"), "<Project />");

        var (code, output) = await DotnetCli.RunAsync(["run", "--project", app, "--nologo"], app);

        Assert.That(code, Is.Zero, $"The consumer failed:\n{output}");
        Assert.That(output, Does.Contain("consumer: Succeeded 42"));
    }

    private XElement ReadMetadata(string id, out XNamespace ns)
    {
        var package = Path.Combine(_feed, $"{id}.{_version}.nupkg");
        Assert.That(File.Exists(package), Is.True, $"Expected {package}");
        using var zip = ZipFile.OpenRead(package);
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        ns = nuspec.Root!.GetDefaultNamespace();
        return nuspec.Root.Element(ns + "metadata")!;
    }
}
