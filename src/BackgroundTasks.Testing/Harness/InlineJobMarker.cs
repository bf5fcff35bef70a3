namespace BackgroundTasks.Testing;

/// <summary>The outermost job filter of a <see cref="JobsTestHost"/> in inline mode: it marks each attempt's flow, so that the job's own enqueues return at once.</summary>
internal sealed class InlineJobMarker : IJobFilter
{
    public async ValueTask InvokeAsync(JobContext context, JobFilterDelegate runNext)
    {
        InlineRuns.MarkInside();
        await runNext(context).ConfigureAwait(false);
    }
}
