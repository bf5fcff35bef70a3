using System.Diagnostics;

namespace BackgroundTasks.Tests.Packaging;

/// <summary>Runs the <c>dotnet</c> command line from a test, as a user would from a shell.</summary>
internal static class DotnetCli
{
    /// <summary>Gets the repository's root: the folder that holds <c>BackgroundTasks.sln</c>.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> and returns its exit code and its output (stdout, then stderr).</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="workingDirectory">Where to run it.</param>
    /// <param name="cancellationToken">Kills the process tree when it fires.</param>
    /// <returns>The exit code and the output.</returns>
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] args, string workingDirectory, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test host runs under 'dotnet test'; its MSBuild settings must not leak into the child build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k is "DOTNET_HOST_PATH" or "VSTEST_HOST_DEBUG").ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        // Leave no build servers or worker nodes behind once the test ends.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BackgroundTasks.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BackgroundTasks.sln not found above the test directory.");
    }
}
