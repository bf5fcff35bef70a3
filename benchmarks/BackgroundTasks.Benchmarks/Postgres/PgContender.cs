namespace BackgroundTasks.Benchmarks.Postgres;

/// <summary>The rows of the PostgreSQL benchmarks: job systems that keep their jobs in one PostgreSQL database each.</summary>
public enum PgContender
{
    /// <summary>Hangfire with Hangfire.PostgreSql.</summary>
    Hangfire,

    /// <summary>Quartz.NET with its ADO job store on PostgreSQL (Npgsql), clustered.</summary>
    Quartz,

    /// <summary>BackgroundTasks with the BackgroundTasks.PostgreSql store and a typed job.</summary>
    BackgroundTasks,
}
