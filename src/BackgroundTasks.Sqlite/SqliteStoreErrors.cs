using Microsoft.Data.Sqlite;

namespace BackgroundTasks.Sqlite;

/// <summary>The exceptions that stop a <see cref="SqliteJobStore"/> from opening: each names the file and what to do.</summary>
internal static class SqliteStoreErrors
{
    // SQLite's primary result codes (https://sqlite.org/rescode.html).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    public static InvalidOperationException NewerSchema(string path, int found, int known) => new(
        $"The job database '{path}' has schema version {found}, but this version of BackgroundTasks.Sqlite knows versions up to {known}: "
        + "the file was written by a newer version of the package. Upgrade the BackgroundTasks.Sqlite package, or point the store at another file.");

    public static InvalidOperationException NoWal(string path, string? mode) => new(
        $"The job database '{path}' could not be switched to WAL journal mode (SQLite kept '{mode ?? "(none)"}'). "
        + "The store needs WAL: make sure the file and its directory are writable (SQLite keeps '-wal' and '-shm' files beside it) "
        + "and not opened read-only (Mode=ReadOnly), and that the file is on a local disk, not a network share.");

    public static InvalidOperationException ReadOnlyFile(string path, SqliteException? exception) => new(
        $"The job database '{path}' is read-only{(exception is null ? string.Empty : $" (SQLite: {exception.Message})")}. "
        + "Give this process write access to the file and its directory (SQLite writes '-wal' and '-shm' files beside it), "
        + "remove Mode=ReadOnly from the connection string, or choose another path.",
        exception);

    /// <summary>Turns what SQLite said while opening into an exception that names the file and the fix.</summary>
    public static InvalidOperationException CannotOpen(string path, SqliteException exception) => exception.SqliteErrorCode switch
    {
        NotADatabase or Corrupt => new InvalidOperationException(
            $"The file '{path}' is not a SQLite database, or it is corrupt (SQLite: {exception.Message}). "
            + "Move it away or delete it so that the store creates a new database, restore it from a backup, or point the store at another file.",
            exception),
        CantOpen => new InvalidOperationException(
            $"Cannot open or create the job database '{path}' (SQLite: {exception.Message}). "
            + "Check that its directory exists and that this process may create and write files in it, or choose another path.",
            exception),
        ReadOnly => ReadOnlyFile(path, exception),
        Busy or Locked => new InvalidOperationException(
            $"The job database '{path}' stayed locked by another connection for longer than SqliteJobStoreOptions.BusyTimeout (SQLite: {exception.Message}). "
            + "Stop the process that holds a long transaction on it, or raise BusyTimeout.",
            exception),
        IoError => new InvalidOperationException(
            $"Reading or writing the job database '{path}' failed (SQLite: {exception.Message}). "
            + "Check the disk (free space, permissions, a local file system), or choose another path.",
            exception),
        _ => new InvalidOperationException(
            $"Cannot open the job database '{path}' (SQLite error {exception.SqliteErrorCode}: {exception.Message}). "
            + "Check the file and the connection string, or point the store at another file.",
            exception),
    };
}
