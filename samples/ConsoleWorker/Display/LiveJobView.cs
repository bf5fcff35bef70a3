using BackgroundTasks;
using Spectre.Console;

namespace ConsoleWorker.Display;

/// <summary>Live progress bars in a terminal, then a summary table.</summary>
internal sealed class LiveJobView(IAnsiConsole console) : IJobView
{
    private readonly Lock _gate = new();
    private readonly Dictionary<JobId, ProgressTask> _bars = [];
    private ProgressContext? _progress;

    public Task RunAsync(Func<Task> body)
        => console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn { Width = 30 },
                new PercentageColumn(),
                new SpinnerColumn())
            .StartAsync(async progress =>
            {
                _progress = progress;
                await body();
            });

    public void Show(JobRecord record)
    {
        lock (_gate)
        {
            if (_progress is null)
            {
                return;
            }

            if (!_bars.TryGetValue(record.Id, out var bar))
            {
                bar = _progress.AddTask(Describe(record), maxValue: 100);
                _bars.Add(record.Id, bar);
            }

            bar.Description = Describe(record);
            bar.Value = record.Status == JobStatus.Succeeded ? 100 : record.Progress.Percent;
            if (record.Status.IsTerminal())
            {
                bar.StopTask();
            }
        }
    }

    public void Note(string text)
    {
        lock (_gate)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(text)}[/]");
        }
    }

    public void Summary(IReadOnlyList<JobOutcome> outcomes)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title("[bold]Jobs[/]")
            .AddColumn("job")
            .AddColumn("queue")
            .AddColumn("status")
            .AddColumn(new TableColumn("attempts").RightAligned())
            .AddColumn(new TableColumn("duration").RightAligned())
            .AddColumn("shutdown")
            .AddColumn("detail");
        foreach (var outcome in outcomes)
        {
            var r = outcome.Record;
            table.AddRow(
                Markup.Escape(outcome.Label),
                Markup.Escape(r.Queue),
                $"[{Colour(r.Status)}]{r.Status}[/]",
                r.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                JobOutcome.FormatDuration(outcome.Duration),
                Markup.Escape(outcome.AtShutdown ?? "-"),
                Markup.Escape(outcome.Detail));
        }

        console.Write(table);
    }

    private static string Describe(JobRecord record)
    {
        var status = $"[{Colour(record.Status)}]{record.Status,-9}[/]";
        var message = record.Status == JobStatus.Retrying
            ? $"attempt {record.Attempt} failed: {record.Error?.Message}"
            : record.Progress.Message ?? "";
        return $"{Markup.Escape(JobLabel.Of(record)),-15} {status} [grey]{Markup.Escape(Truncate(message, 36)),-36}[/]";
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Colour(JobStatus status) => status switch
    {
        JobStatus.Succeeded => "green",
        JobStatus.Failed => "red",
        JobStatus.Cancelled => "orange1",
        JobStatus.Retrying => "yellow",
        JobStatus.Running => "blue",
        _ => "grey",
    };
}
