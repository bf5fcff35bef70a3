namespace BackgroundTasks.Tests;

/// <summary>A path for a file in a temporary directory of its own, deleted with everything in it (a database and its -wal and -shm files) at the end.</summary>
public sealed class TemporaryFile(string name) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("backgroundtasks-tests-");

    public string Path => System.IO.Path.Combine(_directory.FullName, name);

    public void Dispose() => _directory.Delete(recursive: true);
}
