namespace BackgroundTasks.Tests;

/// <summary>The store a suite that runs on several stores runs on: each fixture picks the ones that apply to it.</summary>
public enum StoreKind
{
    /// <summary>The built-in in-memory store.</summary>
    InMemory,

    /// <summary>A user-written store (the test's <c>DictionaryJobStore</c>) behind the engine's store seam.</summary>
    UserWritten,

    /// <summary>The user-written store wrapped so that it throws and stalls at random.</summary>
    UserWrittenFaulty,

    /// <summary>The durable SQLite store on a temporary file.</summary>
    Sqlite,

    /// <summary>Two hosts on one SQLite file.</summary>
    SqliteTwoHosts,

    /// <summary>The durable PostgreSQL store in a schema of its own on the test server.</summary>
    PostgreSql,

    /// <summary>Two hosts on one PostgreSQL schema.</summary>
    PostgreSqlTwoHosts,
}
