using System.Diagnostics.Metrics;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// Feeds the <see cref="ThroughputRing"/> from the engine's own meter (<c>BackgroundTasks</c>): jobs enqueued,
/// finished (by status) and retried in this process. It listens only to the meter made by this application's
/// <see cref="IMeterFactory"/>, so two hosts in one process do not count each other's jobs. Listening is
/// cheaper than polling the store, and unlike polling it still counts jobs that retention has forgotten.
/// </summary>
internal sealed class JobMetricsListener : IDisposable
{
    private const string MeterName = "BackgroundTasks";
    private const string StatusTag = "backgroundtasks.job.status";

    private static readonly object s_enqueued = JobOutcome.Enqueued;
    private static readonly object s_finished = JobOutcome.Succeeded;
    private static readonly object s_retried = JobOutcome.Retried;

    private readonly MeterListener _listener;
    private readonly ThroughputRing _ring;

    public JobMetricsListener(ThroughputRing ring, IMeterFactory? meterFactory)
    {
        _ring = ring;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name != MeterName || !ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    return;
                }

                var kind = instrument.Name switch
                {
                    "backgroundtasks.jobs.enqueued" => s_enqueued,
                    "backgroundtasks.jobs.finished" => s_finished,
                    "backgroundtasks.jobs.retried" => s_retried,
                    _ => null,
                };
                if (kind is not null)
                {
                    listener.EnableMeasurementEvents(instrument, kind);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (ReferenceEquals(state, s_finished))
        {
            foreach (var tag in tags)
            {
                if (tag.Key == StatusTag)
                {
                    var outcome = (tag.Value as string) switch
                    {
                        "succeeded" => JobOutcome.Succeeded,
                        "failed" => JobOutcome.Failed,
                        _ => JobOutcome.Cancelled,
                    };
                    _ring.Add(outcome, value);
                    return;
                }
            }

            return;
        }

        _ring.Add(ReferenceEquals(state, s_enqueued) ? JobOutcome.Enqueued : JobOutcome.Retried, value);
    }
}
