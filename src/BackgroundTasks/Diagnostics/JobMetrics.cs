using System.Diagnostics.Metrics;

namespace BackgroundTasks;

/// <summary>
/// The <c>BackgroundTasks</c> meter and activity source. Instruments cost next to nothing while nobody
/// listens. Tags: <c>backgroundtasks.queue</c>, and <c>backgroundtasks.job.status</c> on outcomes.
/// </summary>
internal sealed class JobMetrics : IDisposable
{
    public const string Name = "BackgroundTasks";

    private readonly Meter _meter;
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _retried;
    private readonly UpDownCounter<long> _running;
    private readonly Histogram<double> _duration;

    public JobMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<int>>> queueLengths)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _enqueued = _meter.CreateCounter<long>("backgroundtasks.jobs.enqueued", "{job}", "Jobs accepted.");
        _finished = _meter.CreateCounter<long>("backgroundtasks.jobs.finished", "{job}", "Jobs that reached a terminal status, by status.");
        _retried = _meter.CreateCounter<long>("backgroundtasks.jobs.retried", "{job}", "Failed attempts that will be retried.");
        _running = _meter.CreateUpDownCounter<long>("backgroundtasks.jobs.running", "{job}", "Jobs running now.");
        _duration = _meter.CreateHistogram<double>("backgroundtasks.job.duration", "s", "How long job attempts ran, by outcome.");
        _meter.CreateObservableGauge("backgroundtasks.queue.length", queueLengths, "{job}", "Jobs waiting in each queue.");
    }

    public void Enqueued(string queue)
    {
        if (_enqueued.Enabled)
        {
            _enqueued.Add(1, new KeyValuePair<string, object?>("backgroundtasks.queue", queue));
        }
    }

    public void Finished(string queue, JobStatus status)
    {
        if (_finished.Enabled)
        {
            _finished.Add(1, new("backgroundtasks.queue", queue), new("backgroundtasks.job.status", StatusTag(status)));
        }
    }

    public void Retried(string queue)
    {
        if (_retried.Enabled)
        {
            _retried.Add(1, new KeyValuePair<string, object?>("backgroundtasks.queue", queue));
        }
    }

    public void Started(string queue)
    {
        if (_running.Enabled)
        {
            _running.Add(1, new KeyValuePair<string, object?>("backgroundtasks.queue", queue));
        }
    }

    /// <summary>Counts an attempt's end; the clock is read for its duration only while someone listens to the histogram.</summary>
    public void Ended(string queue, DateTimeOffset startedAt, TimeProvider time, string outcome)
    {
        if (_running.Enabled)
        {
            _running.Add(-1, new KeyValuePair<string, object?>("backgroundtasks.queue", queue));
        }

        if (_duration.Enabled)
        {
            _duration.Record((time.GetUtcNow() - startedAt).TotalSeconds, new("backgroundtasks.queue", queue), new("backgroundtasks.job.status", outcome));
        }
    }

    public void Dispose() => _meter.Dispose();

    public static string StatusTag(JobStatus status) => status switch
    {
        JobStatus.Succeeded => "succeeded",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        JobStatus.Retrying => "retrying",
        JobStatus.Running => "running",
        JobStatus.Queued => "queued",
        _ => "scheduled",
    };
}
