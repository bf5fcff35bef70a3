using System.Diagnostics;

namespace BackgroundTasks.Testing;

/// <summary>
/// The conformance kit for custom job stores: checks an <see cref="IJobStore"/> against every clause of its
/// contract (statuses, the fields each transition sets, progress, snapshots, queries and concurrency), and an
/// <see cref="IDurableJobStore"/> also against the clauses of that contract the kit covers (continuations), and
/// reports each violation. It uses no test framework, so it runs from NUnit, xUnit, MSTest or a console.
/// </summary>
/// <example>
/// <code>
/// var report = await JobStoreConformance.VerifyAsync(() => new MyJobStore(...));
/// report.ThrowIfFailed(); // or assert on report.Passed and print report.ToString()
/// </code>
/// </example>
public static class JobStoreConformance
{
    /// <summary>Gets the names of all checks, in the order they run; use them in <see cref="JobStoreConformanceOptions.SkippedChecks"/>.</summary>
    public static IReadOnlyList<string> CheckNames { get; } = [.. ConformanceChecks.All.Select(static check => check.Name)];

    /// <summary>
    /// Runs every check, each against a fresh store from <paramref name="createStore"/>, and reports what each found.
    /// </summary>
    /// <param name="createStore">Makes a new, empty store for each check. A store that implements <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/> is disposed after its check.</param>
    /// <param name="options">Checks to skip, the size of the concurrency checks and the time a check may take; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The report: one result per check, in the order of <see cref="CheckNames"/>. It never throws for a broken store; call <see cref="JobStoreConformanceReport.ThrowIfFailed"/> for that.</returns>
    /// <remarks>
    /// The checks write records with timestamps in whole milliseconds and results of types <see cref="int"/> and
    /// <see cref="string"/>; they need terminal jobs to stay readable for the few seconds the verification takes.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="createStore"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="JobStoreConformanceOptions.SkippedChecks"/> names a check that does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<JobStoreConformanceReport> VerifyAsync(Func<IJobStore> createStore, JobStoreConformanceOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createStore);
        options ??= new JobStoreConformanceOptions();
        Validate(options);

        var started = Stopwatch.GetTimestamp();
        var results = new List<JobStoreCheckResult>(ConformanceChecks.All.Count);
        string? storeName = null;
        foreach (var check in ConformanceChecks.All)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.SkippedChecks.Contains(check.Name))
            {
                results.Add(new JobStoreCheckResult(check.Name, check.Description, JobStoreCheckOutcome.Skipped, [], TimeSpan.Zero));
                continue;
            }

            var (result, name) = await RunAsync(check, createStore, options, cancellationToken).ConfigureAwait(false);
            storeName ??= name;
            results.Add(result);
        }

        return new JobStoreConformanceReport(storeName ?? "(no store created)", results, Stopwatch.GetElapsedTime(started));
    }

    private static void Validate(JobStoreConformanceOptions options)
    {
        if (options.ConcurrentJobCount is < 10 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ConcurrentJobCount, "JobStoreConformanceOptions.ConcurrentJobCount must be from 10 to 10,000 (a query page holds at most 10,000 jobs).");
        }

        if (options.CheckTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.CheckTimeout, "JobStoreConformanceOptions.CheckTimeout must be positive.");
        }

        var unknown = options.SkippedChecks.Except(CheckNames, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"JobStoreConformanceOptions.SkippedChecks names no such check: {string.Join(", ", unknown)}. The checks are: {string.Join(", ", CheckNames)}.", nameof(options));
        }
    }

#pragma warning disable CA1031 // Whatever a store throws is a finding to report, not a crash of the kit.
    private static async Task<(JobStoreCheckResult Result, string? StoreName)> RunAsync(ConformanceCheck check, Func<IJobStore> createStore, JobStoreConformanceOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        IJobStore store;
        try
        {
            store = createStore() ?? throw new InvalidOperationException("The store factory returned null.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return (Failed([$"Could not create a store for this check: the factory threw {exception.GetType().FullName}: {exception.Message}"]), null);
        }

        if ((check.DurableOnly && store is not IDurableJobStore) || (check.RecurringOnly && store is not IRecurringJobStore))
        {
            await DisposeAsync(store).ConfigureAwait(false);
            return (new JobStoreCheckResult(check.Name, check.Description, JobStoreCheckOutcome.NotApplicable, [], TimeSpan.Zero), store.GetType().Name);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var context = new CheckContext(store, options, timeout.Token);
        var run = Task.Run(() => check.RunAsync(context), CancellationToken.None);
        var finished = true;
        try
        {
            await run.WaitAsync(options.CheckTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutException)
        {
            finished = false;
            timeout.Cancel();
            context.Fail($"The check did not finish within {options.CheckTimeout.TotalSeconds:0.#} s (JobStoreConformanceOptions.CheckTimeout): a store call never completed, or the store deadlocked under concurrent calls.");
        }
        catch (CheckAbortedException abort)
        {
            if (!context.HasViolations)
            {
                context.Fail($"The check stopped: {abort.Message}.");
            }
        }
        catch (Exception exception)
        {
            var where = exception.StackTrace?.Split('\n', 2)[0].Trim();
            context.Fail($"The check stopped because the store threw {exception.GetType().FullName}: {exception.Message} ({where}). The contract lets AddAsync throw only ArgumentException for a duplicate id; other calls report refusals by returning false, never by throwing.");
        }

        if (finished)
        {
            try
            {
                await DisposeAsync(store).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                context.Fail($"Disposing the store after the check threw {exception.GetType().FullName}: {exception.Message}");
            }
        }

        var violations = context.GetViolations();
        return (violations.Count == 0 ? Passed() : Failed(violations), store.GetType().Name);

        JobStoreCheckResult Passed() => new(check.Name, check.Description, JobStoreCheckOutcome.Passed, [], Stopwatch.GetElapsedTime(started));

        JobStoreCheckResult Failed(IReadOnlyList<string> violations) => new(check.Name, check.Description, JobStoreCheckOutcome.Failed, violations, Stopwatch.GetElapsedTime(started));
    }
#pragma warning restore CA1031

    private static async ValueTask DisposeAsync(IJobStore store)
    {
        switch (store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
