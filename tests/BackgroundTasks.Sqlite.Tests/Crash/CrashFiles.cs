using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite.Tests.Crash;

/// <summary>
/// The files of a crash test: the jobs file the test hosts share, and the effects file their jobs write into. Read
/// with plain SQL on connections of the test's own, so that reading never takes the file's write lock.
/// </summary>
internal sealed class CrashFiles(string directory)
{
    public string Directory { get; } = directory;

    public string JobsPath { get; } = Path.Combine(directory, "jobs.db");

    public string EffectsPath { get; } = Path.Combine(directory, "effects.db");

    /// <summary>The arguments every test host takes for these files.</summary>
    public string[] HostArguments(string mode, string hostName, params string[] more)
        => [.. mode.Split(' '), "--jobs", JobsPath, "--effects", EffectsPath, "--host", hostName, .. more];

    /// <summary>Counts the jobs in the file by status; zero before the file exists.</summary>
    public Dictionary<JobStatus, int> CountJobs()
    {
        var counts = new Dictionary<JobStatus, int>();
        if (!File.Exists(JobsPath))
        {
            return counts;
        }

        using var connection = Open(JobsPath);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, count(*) FROM bt_jobs GROUP BY status";
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                counts[(JobStatus)reader.GetInt32(0)] = reader.GetInt32(1);
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            // The host has not created its schema yet.
        }

        return counts;
    }

    /// <summary>Reads every job: id, key (from its arguments), status, attempt and progress.</summary>
    public List<JobRow> ReadJobs()
    {
        using var connection = Open(JobsPath);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, json_extract(arguments, '$.Key'), status, attempt, progress_percent, error_message FROM bt_jobs";
        using var reader = command.ExecuteReader();
        var rows = new List<JobRow>();
        while (reader.Read())
        {
            rows.Add(new JobRow(reader.GetString(0), reader.GetInt32(1), (JobStatus)reader.GetInt32(2), reader.GetInt32(3), reader.GetDouble(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return rows;
    }

    /// <summary>Reads every side-effect row: one per finished run of a job.</summary>
    public List<EffectRow> ReadEffects()
    {
        using var connection = Open(EffectsPath);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT job_id, job_key, attempt, pid, host FROM effects";
        using var reader = command.ExecuteReader();
        var rows = new List<EffectRow>();
        while (reader.Read())
        {
            rows.Add(new EffectRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4)));
        }

        return rows;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        using var busy = connection.CreateCommand();
        busy.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {30_000}");
        busy.ExecuteNonQuery();
        return connection;
    }

    /// <summary>A job as the jobs file records it.</summary>
    public sealed record JobRow(string Id, int Key, JobStatus Status, int Attempt, double Percent, string? Error);

    /// <summary>One finished run of a job, as its side effect records it.</summary>
    public sealed record EffectRow(string JobId, int Key, int Attempt, int ProcessId, string Host);
}
