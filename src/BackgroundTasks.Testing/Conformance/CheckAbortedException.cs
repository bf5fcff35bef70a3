namespace BackgroundTasks.Testing;

/// <summary>Stops a check whose setup the store refused; the violation is already recorded.</summary>
internal sealed class CheckAbortedException : Exception
{
    public CheckAbortedException()
    {
    }

    public CheckAbortedException(string message)
        : base(message)
    {
    }

    public CheckAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
