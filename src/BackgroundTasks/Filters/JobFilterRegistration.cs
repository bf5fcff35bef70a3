namespace BackgroundTasks;

/// <summary>One <c>AddJobFilter&lt;TFilter&gt;()</c> call, kept in the services in registration order.</summary>
internal sealed class JobFilterRegistration(Type filterType)
{
    public Type FilterType { get; } = filterType;
}
