using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BackgroundTasks.PostgreSql.Tests.Outage;

/// <summary>
/// A PostgreSQL cluster of the test's own, which it may stop and start again: <c>.ci/postgres.sh</c> on a free loopback
/// port, in a temporary folder of its own, removed at the end. It needs Debian's PostgreSQL binaries
/// (<c>/usr/lib/postgresql/*/bin</c>, which <c>.ci/run</c> installs) and root or the <c>postgres</c> user to run them.
/// </summary>
internal sealed class ThrowAwayCluster : IAsyncDisposable
{
    private const string Hint = "This test starts and restarts a PostgreSQL cluster of its own and needs Debian's PostgreSQL binaries "
        + "(/usr/lib/postgresql/*/bin/initdb and pg_ctl): install the postgresql package (apt-get install postgresql), as .ci/run does.";

    private static readonly TimeSpan s_scriptLimit = TimeSpan.FromSeconds(90);

    private readonly string _script;
    private readonly string _dataDir;

    private ThrowAwayCluster(string script, string dataDir, string connectionString)
    {
        _script = script;
        _dataDir = dataDir;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    /// <summary>Starts a cluster, or fails (under CI) or ignores the test (elsewhere) when the binaries are missing.</summary>
    public static async Task<ThrowAwayCluster> StartAsync(CancellationToken ct)
    {
        if (!Directory.Exists("/usr/lib/postgresql") || !Directory.EnumerateFiles("/usr/lib/postgresql", "initdb", SearchOption.AllDirectories).Any())
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Hint);
            }

            Assert.Ignore(Hint);
        }

        var script = FindScript();
        var output = await RunAsync(script, ["start"], FreePort(), ct);
        string? connection = null;
        string? dataDir = null;
        foreach (var line in output.Split('\n'))
        {
            connection ??= Exported(line, "BACKGROUNDTASKS_POSTGRES");
            dataDir ??= Exported(line, "PGDATA_DIR");
        }

        if (connection is null || dataDir is null)
        {
            Assert.Fail($".ci/postgres.sh start printed no connection string and data folder: {output}");
        }

        return new ThrowAwayCluster(script, dataDir!, connection!);
    }

    /// <summary>Stops the server as an administrator would (<c>pg_ctl stop -m fast</c>): clients are disconnected, the data stays.</summary>
    public Task StopAsync(CancellationToken ct) => RunAsync(_script, ["pause", _dataDir], port: null, ct);

    /// <summary>Starts the server again on the same data, port and settings.</summary>
    public Task RestartAsync(CancellationToken ct) => RunAsync(_script, ["resume", _dataDir], port: null, ct);

    public async ValueTask DisposeAsync() => await RunAsync(_script, ["stop", _dataDir], port: null, CancellationToken.None);

    private static string? Exported(string line, string name)
    {
        var prefix = $"export {name}='";
        return line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..].TrimEnd().TrimEnd('\'') : null;
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var script = Path.Combine(dir.FullName, ".ci", "postgres.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }

        Assert.Fail($"No .ci/postgres.sh above {AppContext.BaseDirectory}.");
        return string.Empty;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> RunAsync(string script, string[] args, int? port, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (port is { } p)
        {
            start.Environment["BACKGROUNDTASKS_PG_PORT"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(s_scriptLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($".ci/postgres.sh {string.Join(' ', args)} did not finish within {s_scriptLimit.TotalSeconds} s: {await errors}");
        }

        if (process.ExitCode != 0)
        {
            Assert.Fail($".ci/postgres.sh {string.Join(' ', args)} failed with exit code {process.ExitCode}: {await errors}");
        }

        return await output;
    }
}
