using Microsoft.Extensions.Options;

namespace BackgroundTasks;

/// <summary>
/// Fails the host's start when typed-job registrations conflict, naming both. <c>AddJob</c> already throws
/// for a conflict it can see; this catches registrations that reached the service collection another way.
/// It validates <see cref="BackgroundJobsOptions"/>, which is validated on start.
/// </summary>
internal sealed class JobRegistryValidator(IEnumerable<JobRegistration> registrations) : IValidateOptions<BackgroundJobsOptions>
{
    public ValidateOptionsResult Validate(string? name, BackgroundJobsOptions options)
    {
        var conflicts = JobRegistry.FindConflicts(registrations);
        return conflicts.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(conflicts);
    }
}
