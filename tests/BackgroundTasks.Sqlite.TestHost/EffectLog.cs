using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite.TestHost;

/// <summary>
/// The jobs' side effects: one row per finished run (job id, key, attempt, process id, host name) in a SQLite file
/// of its own, each committed on its own before the job returns. Rows are never unique by constraint, so that a
/// job that ran twice in one attempt shows up as two rows instead of failing.
/// </summary>
internal sealed class EffectLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;

    public EffectLog(string path, string hostName)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 }.ToString());
        _connection.Open();
        Execute("PRAGMA busy_timeout = 60000");
        Execute("PRAGMA journal_mode = WAL");
        Execute("PRAGMA synchronous = NORMAL");
        Execute("CREATE TABLE IF NOT EXISTS effects (job_id TEXT NOT NULL, job_key INTEGER NOT NULL, attempt INTEGER NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL)");
        _insert = _connection.CreateCommand();
        _insert.CommandText = "INSERT INTO effects (job_id, job_key, attempt, pid, host) VALUES ($id, $key, $attempt, $pid, $host)";
        _insert.Parameters.Add("$id", SqliteType.Text);
        _insert.Parameters.Add("$key", SqliteType.Integer);
        _insert.Parameters.Add("$attempt", SqliteType.Integer);
        _insert.Parameters.AddWithValue("$pid", Environment.ProcessId);
        _insert.Parameters.AddWithValue("$host", hostName);
    }

    /// <summary>Writes a run's row and commits it.</summary>
    public void Record(JobId id, int key, int attempt)
    {
        lock (_gate)
        {
            _insert.Parameters["$id"].Value = id.ToString();
            _insert.Parameters["$key"].Value = key;
            _insert.Parameters["$attempt"].Value = attempt;
            _insert.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        _insert.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
