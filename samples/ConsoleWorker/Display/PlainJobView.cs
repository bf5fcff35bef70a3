using System.Diagnostics;
using System.Globalization;
using BackgroundTasks;

namespace ConsoleWorker.Display;

/// <summary>
/// Plain lines for redirected output (CI logs, <c>| cat</c>): no escape codes, one line whenever a job
/// changes status or passes another quarter of its work.
/// </summary>
internal sealed class PlainJobView(TextWriter output) : IJobView
{
    private readonly Lock _gate = new();
    private readonly Dictionary<JobId, (JobStatus Status, int Quarter)> _shown = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Task RunAsync(Func<Task> body) => body();

    public void Show(JobRecord record)
    {
        var quarter = (int)(record.Progress.Percent / 25);
        lock (_gate)
        {
            if (_shown.TryGetValue(record.Id, out var last) && last.Status == record.Status && last.Quarter == quarter)
            {
                return;
            }

            _shown[record.Id] = (record.Status, quarter);
            var message = record.Status == JobStatus.Retrying ? $"attempt {record.Attempt} failed: {record.Error?.Message}" : record.Progress.Message;
            WriteLine($"{JobLabel.Of(record),-16} {record.Status,-10} {record.Progress.Percent,3:0}%  {message}");
        }
    }

    public void Note(string text)
    {
        lock (_gate)
        {
            WriteLine(text);
        }
    }

    public void Summary(IReadOnlyList<JobOutcome> outcomes)
    {
        lock (_gate)
        {
            output.WriteLine();
            output.WriteLine("Summary");
            output.WriteLine($"{"job",-16} {"queue",-8} {"status",-10} {"attempts",8} {"duration",9}  {"shutdown",-9}  detail");
            foreach (var outcome in outcomes)
            {
                var r = outcome.Record;
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{outcome.Label,-16} {r.Queue,-8} {r.Status,-10} {r.Attempt,8} {JobOutcome.FormatDuration(outcome.Duration),9}  {outcome.AtShutdown ?? "-",-9}  {outcome.Detail}"));
            }

            output.Flush();
        }
    }

    private void WriteLine(string text)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,5:0.0}s] {text}"));
        output.Flush();
    }
}
