using Microsoft.Extensions.Options;

namespace BackgroundTasks;

/// <summary>Checks <see cref="BackgroundJobsOptions"/> when the host starts, naming each bad option and its fix.</summary>
internal sealed class BackgroundJobsOptionsValidator : IValidateOptions<BackgroundJobsOptions>
{
    public ValidateOptionsResult Validate(string? name, BackgroundJobsOptions options)
    {
        var failures = new List<string>();
        if (options.Queues.Count == 0)
        {
            failures.Add("BackgroundJobsOptions.Queues is empty: add at least one queue with AddQueue(name).");
        }

        if (string.IsNullOrEmpty(options.DefaultQueue))
        {
            failures.Add("BackgroundJobsOptions.DefaultQueue is empty: set it to the name of a configured queue.");
        }
        else if (!options.Queues.ContainsKey(options.DefaultQueue))
        {
            failures.Add($"BackgroundJobsOptions.DefaultQueue is '{options.DefaultQueue}', which is not a configured queue ({Known(options)}): add it with AddQueue(\"{options.DefaultQueue}\") or name an existing queue.");
        }

        if (options.DrainTimeout < TimeSpan.Zero)
        {
            failures.Add($"BackgroundJobsOptions.DrainTimeout is {options.DrainTimeout}: it must be zero or positive.");
        }

        if (options.ProgressInterval < TimeSpan.Zero)
        {
            failures.Add($"BackgroundJobsOptions.ProgressInterval is {options.ProgressInterval}: it must be zero or positive.");
        }

        if (string.IsNullOrWhiteSpace(options.HostName) || options.HostName.Contains('/', StringComparison.Ordinal))
        {
            failures.Add($"BackgroundJobsOptions.HostName is '{options.HostName}': give a non-empty name without '/' (it prefixes the owner of the jobs this host claims).");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add($"BackgroundJobsOptions.PollInterval is {options.PollInterval}: it must be positive.");
        }

        if (!Enum.IsDefined(options.ShutdownMode))
        {
            failures.Add($"BackgroundJobsOptions.ShutdownMode is {(int)options.ShutdownMode}: use ShutdownMode.Drain or ShutdownMode.Cancel.");
        }

        foreach (var (queueName, queue) in options.Queues)
        {
            var prefix = $"Queue '{queueName}':";
            if (string.IsNullOrWhiteSpace(queueName))
            {
                failures.Add("A queue has an empty name: give every queue a non-empty name.");
            }

            if (queue is null)
            {
                failures.Add($"{prefix} its options are null: configure it with AddQueue(name, options => ...).");
                continue;
            }

            if (queue.Workers < 1)
            {
                failures.Add($"{prefix} Workers is {queue.Workers}: it must be at least 1.");
            }

            if (queue.Capacity < 1)
            {
                failures.Add($"{prefix} Capacity is {queue.Capacity}: it must be at least 1.");
            }

            if (!Enum.IsDefined(queue.FullMode))
            {
                failures.Add($"{prefix} FullMode is {(int)queue.FullMode}: use QueueFullMode.Wait or QueueFullMode.Reject.");
            }

            if (queue.Timeout <= TimeSpan.Zero && queue.Timeout != Timeout.InfiniteTimeSpan)
            {
                failures.Add($"{prefix} Timeout is {queue.Timeout}: it must be positive, or Timeout.InfiniteTimeSpan for none.");
            }

            if (queue.MaxAttempts < 1)
            {
                failures.Add($"{prefix} MaxAttempts is {queue.MaxAttempts}: it must be at least 1 (1 means no retries).");
            }

            if (queue.Backoff is null)
            {
                failures.Add($"{prefix} Backoff is null: set it to a RetryBackoff (RetryBackoff.Default if unsure).");
            }

            if (queue.RateLimit is { } limit)
            {
                if (limit.MaxStarts < 1)
                {
                    failures.Add($"{prefix} RateLimit.MaxStarts is {limit.MaxStarts}: it must be at least 1 (how many attempts may start within RateLimit.Period).");
                }

                if (limit.Period <= TimeSpan.Zero)
                {
                    failures.Add($"{prefix} RateLimit.Period is {limit.Period}: it must be positive.");
                }
            }

            if (queue.RateLimit is not null && queue.RateLimiter is not null)
            {
                failures.Add($"{prefix} both RateLimit and RateLimiter are set: keep one (RateLimit for a number of starts per period, RateLimiter for any other System.Threading.RateLimiting limiter) and set the other to null.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Known(BackgroundJobsOptions options)
        => options.Queues.Count == 0 ? "none" : string.Join(", ", options.Queues.Keys.Select(static k => $"'{k}'"));
}
