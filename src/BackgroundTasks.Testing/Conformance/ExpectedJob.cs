namespace BackgroundTasks.Testing;

/// <summary>A job a check created, with the record the contract says the store must hold for it now.</summary>
internal sealed class ExpectedJob(JobRecord expected)
{
    public JobId Id => Expected.Id;

    public JobRecord Expected { get; set; } = expected;
}
