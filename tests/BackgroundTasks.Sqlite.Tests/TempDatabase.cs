namespace BackgroundTasks.Sqlite.Tests;

/// <summary>A real database file in a temporary directory of its own, deleted (with its -wal and -shm files) at the end.</summary>
internal sealed class TempDatabase : IDisposable
{
    private readonly DirectoryInfo _directory = System.IO.Directory.CreateTempSubdirectory("backgroundtasks-sqlite-");
    private int _files;

    public TempDatabase() => Path = NewPath();

    /// <summary>Gets the path of the main database file.</summary>
    public string Path { get; }

    /// <summary>Gets the directory that holds the test's files.</summary>
    public string Directory => _directory.FullName;

    /// <summary>Returns a path for another database file in the same directory.</summary>
    public string NewPath() => System.IO.Path.Combine(_directory.FullName, $"jobs-{Interlocked.Increment(ref _files)}.db");

    public SqliteJobStoreOptions Options(string? path = null) => new()
    {
        ConnectionString = $"Data Source={path ?? Path}",
        RetentionInterval = Timeout.InfiniteTimeSpan,
    };

    public SqliteJobStore Open(Action<SqliteJobStoreOptions>? configure = null, TimeProvider? time = null)
    {
        var options = Options();
        configure?.Invoke(options);
        return new SqliteJobStore(options, time);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
