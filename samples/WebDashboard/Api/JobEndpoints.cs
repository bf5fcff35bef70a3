using BackgroundTasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WebDashboard.Jobs;

namespace WebDashboard.Api;

/// <summary>The JSON API over <see cref="IJobQueue"/> and <see cref="IJobMonitor"/>.</summary>
public static class JobEndpoints
{
    private const int MaxTake = 100;

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs");
        jobs.MapPost("/", StartAsync);
        jobs.MapGet("/", ListAsync);
        jobs.MapGet("/{id}", GetAsync);
        jobs.MapGet("/{id}/events", Events);
        jobs.MapDelete("/{id}", CancelAsync);
        return app;
    }

    /// <summary>Starts a report job: 202 Accepted with the job's URL and its first snapshot.</summary>
    private static async Task<Results<Accepted<JobRecord>, ValidationProblem, ProblemHttpResult>> StartAsync(
        StartReportRequest request, IJobQueue queue, IJobMonitor monitor, IOptions<ReportOptions> options, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The report request is not valid.");
        }

        var name = request.Name!.Trim();
        var pages = request.Pages!.Value;
        var pageTime = options.Value.PageTime;
        JobId id;
        try
        {
            id = await queue.EnqueueAsync(ctx => ReportJob.RunAsync(ctx, name, pages, pageTime), new JobOptions { Name = name }, cancellationToken);
        }
        catch (JobQueueFullException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many jobs are waiting.");
        }

        var record = await monitor.GetAsync(id, cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{id}", record);
    }

    /// <summary>Pages through recent jobs, newest first, optionally of one status.</summary>
    private static async Task<Results<Ok<JobPage>, ValidationProblem>> ListAsync(
        string? status, string? skip, string? take, IJobMonitor monitor, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        JobStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (Enum.TryParse<JobStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _))
            {
                wanted = parsed;
            }
            else
            {
                errors["status"] = [$"Status must be one of {string.Join(", ", Enum.GetNames<JobStatus>())}."];
            }
        }

        var from = 0;
        if (skip is not null && (!int.TryParse(skip, out from) || from < 0))
        {
            errors["skip"] = ["Skip must be a whole number, 0 or more."];
        }

        var count = 20;
        if (take is not null && (!int.TryParse(take, out count) || count is < 1 or > MaxTake))
        {
            errors["take"] = [$"Take must be from 1 to {MaxTake}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The job listing query is not valid.");
        }

        var items = await monitor.QueryAsync(new JobQuery { Status = wanted, Skip = from, Take = count }, cancellationToken);
        var next = items.Count == count
            ? $"/api/jobs?{(wanted is { } s ? $"status={s}&" : "")}skip={from + count}&take={count}"
            : null;
        return TypedResults.Ok(new JobPage(items, from, count, next));
    }

    /// <summary>The job's latest snapshot.</summary>
    private static async Task<Results<Ok<JobRecord>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string id, IJobMonitor monitor, CancellationToken cancellationToken)
    {
        if (!JobId.TryParse(id, out var jobId))
        {
            return BadId(id);
        }

        return await monitor.GetAsync(jobId, cancellationToken) is { } record
            ? TypedResults.Ok(record)
            : NotFound(jobId);
    }

    /// <summary>Server-sent events: one <c>data:</c> JSON snapshot per change, the stream closing after the terminal one.</summary>
    private static async Task<Results<ServerSentEventsResult<JobRecord>, ValidationProblem, ProblemHttpResult>> Events(
        string id, IJobMonitor monitor, CancellationToken cancellationToken)
    {
        if (!JobId.TryParse(id, out var jobId))
        {
            return BadId(id);
        }

        if (await monitor.GetAsync(jobId, cancellationToken) is null)
        {
            return NotFound(jobId);
        }

        return TypedResults.ServerSentEvents(monitor.WatchAsync(jobId, cancellationToken));
    }

    /// <summary>Cancels a job that has not finished: 202 Accepted (a running job stops at its next await).</summary>
    private static async Task<Results<Accepted<JobRecord>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string id, IJobMonitor monitor, CancellationToken cancellationToken)
    {
        if (!JobId.TryParse(id, out var jobId))
        {
            return BadId(id);
        }

        var record = await monitor.GetAsync(jobId, cancellationToken);
        if (record is null)
        {
            return NotFound(jobId);
        }

        if (record.Status.IsTerminal() || !await monitor.CancelAsync(jobId, cancellationToken))
        {
            var final = await monitor.GetAsync(jobId, cancellationToken) ?? record;
            return TypedResults.Problem(
                $"Job {jobId} already ended as {final.Status}; only a job that is waiting or running can be cancelled.",
                statusCode: StatusCodes.Status409Conflict,
                title: "The job has already finished.");
        }

        return TypedResults.Accepted($"/api/jobs/{jobId}", await monitor.GetAsync(jobId, cancellationToken) ?? record);
    }

    private static ValidationProblem BadId(string id)
        => TypedResults.ValidationProblem(
            new Dictionary<string, string[]>(StringComparer.Ordinal) { ["id"] = [$"'{id}' is not a job id: a job id is 32 hexadecimal digits."] },
            title: "The job id is not valid.");

    private static ProblemHttpResult NotFound(JobId id)
        => TypedResults.Problem($"No job {id} is known here: it never existed, or it finished long enough ago to be forgotten.", statusCode: StatusCodes.Status404NotFound, title: "Job not found.");
}
