namespace BackgroundTasks.Dashboard.Tests;

public enum StoreKind
{
    InMemory,
    Sqlite,
    PostgreSql,
}
