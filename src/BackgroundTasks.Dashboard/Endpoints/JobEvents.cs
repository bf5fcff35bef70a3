using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// GET …/job/{id}/events: a job's changes as server-sent events, one <c>data:</c> JSON snapshot per change
/// (status, progress, attempt, times), the stream ending after the terminal one. Jobs this process runs are
/// followed through <see cref="IJobMonitor.WatchAsync"/>; a job another host runs (a shared store) is read
/// again every <see cref="PollInterval"/> instead.
/// </summary>
internal static class JobEvents
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static async Task StreamAsync(DashboardRequest request, JobId id)
    {
        if (await request.Monitor.GetAsync(id, request.Aborted).ConfigureAwait(false) is null)
        {
            request.Http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var response = request.Http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        request.Http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var buffer = new ArrayBufferWriter<byte>(512);
        try
        {
            await foreach (var job in FollowAsync(request.Monitor, request.Time, id, request.Aborted).ConfigureAwait(false))
            {
                buffer.ResetWrittenCount();
                Write(buffer, job, request.Time.GetUtcNow());
                await response.Body.WriteAsync(buffer.WrittenMemory, request.Aborted).ConfigureAwait(false);
                await response.Body.FlushAsync(request.Aborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (request.Aborted.IsCancellationRequested)
        {
            // The browser went away.
        }
    }

    /// <summary>The job's records from now until it finishes: watched while this process runs it, otherwise polled.</summary>
    public static async IAsyncEnumerable<JobRecord> FollowAsync(IJobMonitor monitor, TimeProvider time, JobId id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        JobRecord? last = null;
        var watch = monitor.WatchAsync(id, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool moved;
                try
                {
                    moved = await watch.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is InvalidOperationException or KeyNotFoundException)
                {
                    break; // not run here (or gone): read the store instead
                }

                if (!moved)
                {
                    yield break;
                }

                last = watch.Current;
                yield return last;
            }
        }
        finally
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }

        while (last is null || !last.Status.IsTerminal())
        {
            await Task.Delay(PollInterval, time, cancellationToken).ConfigureAwait(false);
            var next = await monitor.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                yield break;
            }

            if (next != last)
            {
                last = next;
                yield return next;
            }
        }
    }

    private static void Write(ArrayBufferWriter<byte> buffer, JobRecord job, DateTimeOffset now)
    {
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", job.Id.ToString());
            json.WriteString("status", job.Status.ToString());
            json.WriteBoolean("terminal", job.Status.IsTerminal());
            json.WriteNumber("percent", Math.Clamp(job.Progress.Percent, 0, 100));
            json.WriteString("message", job.Progress.Message);
            json.WriteString("items", JobPage.Items(job.Progress));
            json.WriteNumber("attempt", job.Attempt);
            json.WriteString("started", job.StartedAt is { } started ? $"{Display.Time(started)} UTC" : Display.Time(null));
            json.WriteString("finished", job.FinishedAt is { } finished ? $"{Display.Time(finished)} UTC" : Display.Time(null));
            json.WriteString("ran", Display.RunTime(job, now) ?? "—");
            json.WriteEndObject();
        }

        buffer.Write("\n\n"u8);
    }
}
