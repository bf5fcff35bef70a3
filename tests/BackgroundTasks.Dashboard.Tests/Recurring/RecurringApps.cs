using BackgroundTasks.Recurring;
using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks.Dashboard.Tests.Recurring;

/// <summary>Apps with recurring jobs: a nightly report in Berlin time that does not come due during a test, and a job every second.</summary>
public static class RecurringApps
{
    public const string Nightly = "nightly-report";
    public const string EverySecond = "every-second";

    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static Task<DashboardApp> StartAsync(Action<DashboardAppOptions>? configure = null)
        => DashboardApp.StartAsync(o =>
        {
            o.Jobs = jobs => jobs
                .AddRecurringJob<FlakyJob, FlakyArgs>(Nightly, "0 3 * * *", new FlakyArgs("nightly", "report"), Berlin)
                .AddRecurringJob<FlakyJob, FlakyArgs>(EverySecond, "* * * * * *", new FlakyArgs("tick", "tick"));
            configure?.Invoke(o);
        });

    public static IRecurringJobs Recurring(this DashboardApp app) => app.App.Services.GetRequiredService<IRecurringJobs>();

    /// <summary>Waits (bounded by the token) until the every-second schedule has enqueued an occurrence, pauses it, and returns it as it then is.</summary>
    public static async Task<RecurringJobInfo> FirstRunThenPauseAsync(DashboardApp app, CancellationToken cancellationToken)
    {
        var recurring = app.Recurring();

        // The scheduler runs on the real clock here; its last run is read at each tick of a bounded poll.
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while ((await ScheduleAsync(app, EverySecond)).LastRunJobId is null)
        {
            try
            {
                await tick.WaitForNextTickAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new AssertionException($"Timed out waiting for schedule {EverySecond} to enqueue its first occurrence.");
            }
        }

        await recurring.PauseAsync(EverySecond, cancellationToken);
        return await ScheduleAsync(app, EverySecond);
    }

    public static async Task<RecurringJobInfo> ScheduleAsync(DashboardApp app, string name)
        => (await app.App.Services.GetRequiredService<IJobMonitor>().ListRecurringJobsAsync()).Single(s => s.Name == name);
}
