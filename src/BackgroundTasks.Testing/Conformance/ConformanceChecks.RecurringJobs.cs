namespace BackgroundTasks.Testing;

/// <summary>The clauses of <see cref="IRecurringJobStore"/>: recurring jobs saved, paused, removed, their runs and the version.</summary>
internal static partial class ConformanceChecks
{
    /// <summary>A recurring job named <paramref name="name"/> and the check's own suffix, so that checks on one shared database never see each other's.</summary>
    private static RecurringJobRecord Recurring(string name, string run, string cron = "0 3 * * *") => new()
    {
        Name = $"{name}-{run}",
        JobName = "report",
        Cron = cron,
        TimeZoneId = "Europe/Berlin",
        Arguments = """{"report":"sales","copies":2}""",
        Queue = "reports",
        Priority = JobPriority.High,
        Misfire = MisfirePolicy.RunOnce,
    };

    private static async Task RecurringJobsRoundTripAsync(CheckContext context)
    {
        var store = (IRecurringJobStore)context.Store;
        var ct = context.CancellationToken;
        var run = NewRun();
        var nightly = Recurring("nightly", run);
        var hourly = Recurring("hourly", run, "0 * * * *") with { Queue = null, Priority = JobPriority.Normal, Misfire = MisfirePolicy.Skip, TimeZoneId = "UTC", IsPaused = true, LastRun = ContractModel.BaseTime, LastRunJobId = JobId.NewId() };
        await store.SaveRecurringJobAsync(nightly, ct).ConfigureAwait(false);
        await store.SaveRecurringJobAsync(hourly, ct).ConfigureAwait(false);
        await ExpectRecurringAsync(context, run, "SaveRecurringJobAsync of 'nightly', then of 'hourly' (new, paused, with a last run)", "every recurring job is listed whole, by name; a new one takes its pause and last run from the record saved", [hourly, nightly]).ConfigureAwait(false);

        var changed = Recurring("hourly", run, "30 * * * *") with { JobName = "other-report", Arguments = "{}", TimeZoneId = "America/New_York", Queue = "other", Priority = JobPriority.Low, IsPaused = false, LastRun = null, LastRunJobId = null };
        await store.SaveRecurringJobAsync(changed, ct).ConfigureAwait(false);
        var expected = changed with { IsPaused = true, LastRun = hourly.LastRun, LastRunJobId = hourly.LastRunJobId };
        await ExpectRecurringAsync(context, run, "SaveRecurringJobAsync of 'hourly' again, unpaused and with no last run", "saving a name again replaces its schedule and job, and keeps its pause and last run", [expected, nightly]).ConfigureAwait(false);
    }

    private static async Task RecurringJobsPauseAndRemoveAsync(CheckContext context)
    {
        var store = (IRecurringJobStore)context.Store;
        var ct = context.CancellationToken;
        var run = NewRun();
        var nightly = Recurring("nightly", run);
        await store.SaveRecurringJobAsync(nightly, ct).ConfigureAwait(false);
        Expect(context, await store.PauseRecurringJobAsync(nightly.Name, paused: true, ct).ConfigureAwait(false), true, "PauseRecurringJobAsync('nightly', true)", "it returns true for a known recurring job");
        await ExpectRecurringAsync(context, run, "PauseRecurringJobAsync('nightly', true)", "the recurring job is paused, nothing else changed", [nightly with { IsPaused = true }]).ConfigureAwait(false);
        Expect(context, await store.PauseRecurringJobAsync(nightly.Name, paused: false, ct).ConfigureAwait(false), true, "PauseRecurringJobAsync('nightly', false)", "it returns true for a known recurring job");
        await ExpectRecurringAsync(context, run, "PauseRecurringJobAsync('nightly', false)", "the recurring job is unpaused", [nightly]).ConfigureAwait(false);
        Expect(context, await store.PauseRecurringJobAsync(Recurring("missing", run).Name, paused: true, ct).ConfigureAwait(false), false, "PauseRecurringJobAsync('missing', true)", "it returns false for an unknown name");
        Expect(context, await store.RemoveRecurringJobAsync(Recurring("missing", run).Name, ct).ConfigureAwait(false), false, "RemoveRecurringJobAsync('missing')", "it returns false for an unknown name");
        await ExpectRecurringAsync(context, run, "PauseRecurringJobAsync and RemoveRecurringJobAsync of an unknown name", "nothing changes (no recurring job is created)", [nightly]).ConfigureAwait(false);
        Expect(context, await store.RemoveRecurringJobAsync(nightly.Name, ct).ConfigureAwait(false), true, "RemoveRecurringJobAsync('nightly')", "it returns true for a known recurring job");
        Expect(context, await store.RemoveRecurringJobAsync(nightly.Name, ct).ConfigureAwait(false), false, "RemoveRecurringJobAsync('nightly') a second time", "it returns false once the recurring job is gone");
        await ExpectRecurringAsync(context, run, "RemoveRecurringJobAsync('nightly')", "a removed recurring job is no longer listed", []).ConfigureAwait(false);
    }

    private static async Task RecurringRunsOnlyMoveForwardAsync(CheckContext context)
    {
        var store = (IRecurringJobStore)context.Store;
        var ct = context.CancellationToken;
        var run = NewRun();
        var nightly = Recurring("nightly", run);
        await store.SaveRecurringJobAsync(nightly, ct).ConfigureAwait(false);
        var (first, second) = (JobId.NewId(), JobId.NewId());
        var day = ContractModel.BaseTime;
        Expect(context, await store.RecordRecurringRunAsync(nightly.Name, day.AddDays(1), first, ct).ConfigureAwait(false), true, "RecordRecurringRunAsync of a first run", "it records the first run and returns true");
        Expect(context, await store.RecordRecurringRunAsync(nightly.Name, day, second, ct).ConfigureAwait(false), false, "RecordRecurringRunAsync of an earlier run", "it returns false and keeps the later run");
        Expect(context, await store.RecordRecurringRunAsync(nightly.Name, day.AddDays(1), second, ct).ConfigureAwait(false), false, "RecordRecurringRunAsync of the same run again", "it returns false and keeps the job recorded first");
        Expect(context, await store.RecordRecurringRunAsync(Recurring("missing", run).Name, day, second, ct).ConfigureAwait(false), false, "RecordRecurringRunAsync of an unknown name", "it returns false and creates nothing");
        await ExpectRecurringAsync(context, run, "RecordRecurringRunAsync of runs on days 1, 0 and 1 again", "the last run is the latest, with the job recorded for it first", [nightly with { LastRun = day.AddDays(1), LastRunJobId = first }]).ConfigureAwait(false);
        Expect(context, await store.RecordRecurringRunAsync(nightly.Name, day.AddDays(2), second, ct).ConfigureAwait(false), true, "RecordRecurringRunAsync of a later run", "it records a later run and returns true");
        await ExpectRecurringAsync(context, run, "RecordRecurringRunAsync of a later run", "the later run replaces the last run", [nightly with { LastRun = day.AddDays(2), LastRunJobId = second }]).ConfigureAwait(false);
    }

    private static async Task RecurringJobsVersionCountsChangesAsync(CheckContext context)
    {
        var store = (IRecurringJobStore)context.Store;
        var ct = context.CancellationToken;
        var run = NewRun();
        var version = await store.GetRecurringJobsVersionAsync(ct).ConfigureAwait(false);
        async Task ExpectVersionAsync(string did, bool changes)
        {
            var now = await store.GetRecurringJobsVersionAsync(ct).ConfigureAwait(false);
            if ((now != version) != changes)
            {
                context.Fail(did, changes ? "the version changes" : "the version stays", $"the version went from {version} to {now}");
            }

            version = now;
        }

        var nightly = Recurring("version", run);
        await store.SaveRecurringJobAsync(nightly, ct).ConfigureAwait(false);
        await ExpectVersionAsync("SaveRecurringJobAsync of a new recurring job", changes: true).ConfigureAwait(false);
        await store.SaveRecurringJobAsync(Recurring("version", run, "0 4 * * *"), ct).ConfigureAwait(false);
        await ExpectVersionAsync("SaveRecurringJobAsync of a known name", changes: true).ConfigureAwait(false);
        await store.PauseRecurringJobAsync(nightly.Name, paused: true, ct).ConfigureAwait(false);
        await ExpectVersionAsync("PauseRecurringJobAsync", changes: true).ConfigureAwait(false);
        await store.RecordRecurringRunAsync(nightly.Name, ContractModel.BaseTime, JobId.NewId(), ct).ConfigureAwait(false);
        await ExpectVersionAsync("RecordRecurringRunAsync", changes: false).ConfigureAwait(false);
        await store.RemoveRecurringJobAsync(Recurring("missing", run).Name, ct).ConfigureAwait(false);
        await ExpectVersionAsync("RemoveRecurringJobAsync of an unknown name", changes: false).ConfigureAwait(false);
        await store.RemoveRecurringJobAsync(nightly.Name, ct).ConfigureAwait(false);
        await ExpectVersionAsync("RemoveRecurringJobAsync", changes: true).ConfigureAwait(false);
    }

    private static async Task RacingRecurringSavesLeaveOneAsync(CheckContext context)
    {
        var store = (IRecurringJobStore)context.Store;
        var ct = context.CancellationToken;
        var run = NewRun();
        var saves = Enumerable.Range(0, 8).Select(i => Recurring("racing", run, $"{i} 3 * * *")).ToList();
        using var start = new SemaphoreSlim(0);
        var racing = saves.Select(save => Task.Run(
            async () =>
            {
                await start.WaitAsync(ct).ConfigureAwait(false);
                await store.SaveRecurringJobAsync(save, ct).ConfigureAwait(false);
            },
            ct)).ToList();
        start.Release(saves.Count);
        await Task.WhenAll(racing).ConfigureAwait(false);
        var listed = (await store.ListRecurringJobsAsync(ct).ConfigureAwait(false)).Where(r => r.Name == saves[0].Name).ToList();
        if (listed.Count != 1 || !saves.Contains(listed[0]))
        {
            context.Fail("8 racing SaveRecurringJobAsync of one name", "one recurring job is left, equal to one of the saves", $"listed {listed.Count}: {string.Join("; ", listed)}");
        }
    }

    private static string NewRun() => Guid.NewGuid().ToString("N")[..8];

    private static async Task ExpectRecurringAsync(CheckContext context, string run, string did, string contract, IReadOnlyList<RecurringJobRecord> expected)
    {
        // Only this run's recurring jobs: a database shared by the checks keeps the others'.
        var listed = (await ((IRecurringJobStore)context.Store).ListRecurringJobsAsync(context.CancellationToken).ConfigureAwait(false))
            .Where(r => r.Name.EndsWith(run, StringComparison.Ordinal))
            .ToList();
        if (!listed.SequenceEqual(expected))
        {
            context.Fail(did, contract, $"listed [{string.Join("; ", listed)}], expected [{string.Join("; ", expected)}]");
        }
    }

    private static void Expect(CheckContext context, bool got, bool expected, string did, string contract)
    {
        if (got != expected)
        {
            context.Fail(did, contract, $"returned {got}");
        }
    }
}
