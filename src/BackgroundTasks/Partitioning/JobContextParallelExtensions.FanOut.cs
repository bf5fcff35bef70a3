using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BackgroundTasks;

/// <summary>Fans a job's input out to child jobs on the worker pool.</summary>
public static partial class JobContextParallelExtensions
{
    /// <summary>
    /// Runs <paramref name="child"/> once per input as a child job on the worker pool (recorded in the store with
    /// this job as its <see cref="JobRecord.ParentId"/>), waits for all of them, and returns their results in
    /// input order. The job's progress counts the children that have finished.
    /// </summary>
    /// <remarks>
    /// <para>
    /// If a child fails, or is cancelled by someone else, the others are cancelled and this throws
    /// <see cref="ChildJobFailedException"/> with the child's id and error. If this job's token fires, every
    /// child still waiting or running is cancelled and this throws <see cref="OperationCanceledException"/>.
    /// </para>
    /// <para>
    /// Children sent to this job's own queue do not need a free worker: while no worker has taken them, this
    /// job runs them itself, one after the other, in the worker slot it holds, also while it waits for room
    /// to enqueue more of them (<see cref="QueueFullMode.Wait"/>), so there may be more children than the
    /// queue's capacity. So parents that take every worker of their queue still finish. This covers children
    /// without retries, the default (<see cref="JobOptions.MaxAttempts"/> of 1). Children of another queue
    /// wait for that queue's workers, whose number stays the limit there. Delayed children wait for their
    /// time, and children that may retry wait for a worker. A queue with a single worker is refused: this
    /// job holds that worker while it waits.
    /// </para>
    /// </remarks>
    /// <typeparam name="TInput">The type of one child's input.</typeparam>
    /// <typeparam name="TResult">The type of one child's result.</typeparam>
    /// <param name="context">The running parent job.</param>
    /// <param name="inputs">One input per child; read once, before the first child is enqueued.</param>
    /// <param name="child">The child's work: its input and its own context.</param>
    /// <param name="childOptions">Settings copied to every child (queue, priority, timeout, attempts, back-off, name), or <see langword="null"/> for the defaults. <see cref="JobOptions.ParentId"/> is always this job.</param>
    /// <returns>The children's results, in the order of <paramref name="inputs"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The children would go to this job's own queue, which has a single worker: they could never run.</exception>
    /// <exception cref="ChildJobFailedException">A child failed or was cancelled by someone else.</exception>
    /// <exception cref="OperationCanceledException">This job's token fired.</exception>
    public static async Task<TResult[]> FanOutAsync<TInput, TResult>(this JobContext context, IEnumerable<TInput> inputs, Func<TInput, JobContext, Task<TResult>> child, JobOptions? childOptions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(child);
        var items = inputs as IReadOnlyList<TInput> ?? [.. inputs];
        var results = new TResult[items.Count];
        await RunChildrenAsync(
            context,
            items.Count,
            (index, options) => context.Services.GetRequiredService<IJobQueue>().EnqueueAsync<TResult>(
                async childContext => results[index] = await child(items[index], childContext).ConfigureAwait(false),
                options,
                context.CancellationToken),
            childOptions).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Runs <paramref name="child"/> once per input as a child job on the worker pool (recorded in the store with
    /// this job as its <see cref="JobRecord.ParentId"/>) and waits for all of them. The job's progress counts the
    /// children that have finished.
    /// </summary>
    /// <remarks>Failures, cancellation and queues work as for <see cref="FanOutAsync{TInput, TResult}"/>.</remarks>
    /// <typeparam name="TInput">The type of one child's input.</typeparam>
    /// <param name="context">The running parent job.</param>
    /// <param name="inputs">One input per child; read once, before the first child is enqueued.</param>
    /// <param name="child">The child's work: its input and its own context.</param>
    /// <param name="childOptions">Settings copied to every child (queue, priority, timeout, attempts, back-off, name), or <see langword="null"/> for the defaults. <see cref="JobOptions.ParentId"/> is always this job.</param>
    /// <returns>A task that completes when every child has succeeded.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The children would go to this job's own queue, which has a single worker: they could never run.</exception>
    /// <exception cref="ChildJobFailedException">A child failed or was cancelled by someone else.</exception>
    /// <exception cref="OperationCanceledException">This job's token fired.</exception>
    public static Task FanOutAsync<TInput>(this JobContext context, IEnumerable<TInput> inputs, Func<TInput, JobContext, Task> child, JobOptions? childOptions = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(child);
        var items = inputs as IReadOnlyList<TInput> ?? [.. inputs];
        return RunChildrenAsync(
            context,
            items.Count,
            (index, options) => context.Services.GetRequiredService<IJobQueue>().EnqueueAsync(
                childContext => child(items[index], childContext),
                options,
                context.CancellationToken),
            childOptions);
    }

    private static async Task RunChildrenAsync(JobContext context, int count, Func<int, JobOptions, ValueTask<JobId>> enqueue, JobOptions? template)
    {
        ThrowIfChildrenCannotRun(context, template);
        var monitor = context.Services.GetRequiredService<IJobMonitor>();
        var token = context.CancellationToken;
        var ids = new List<JobId>(count);
        var inline = new InlineChildren(context);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var enqueued = enqueue(i, ChildOptions(context, template, i)).AsTask();

                // A full queue: when it is the parent's own queue, its workers may all be parents waiting like
                // this one, so run our own waiting children here, which gives their slots back.
                while (!enqueued.IsCompleted && await inline.RunOneAsync(ids).ConfigureAwait(false))
                {
                }

                ids.Add(await enqueued.ConfigureAwait(false));
            }

            context.ReportItems(0, count);
            while (await inline.RunOneAsync(ids).ConfigureAwait(false))
            {
            }

            var waits = new Task<JobRecord>[ids.Count];
            for (var i = 0; i < waits.Length; i++)
            {
                waits[i] = monitor.WaitAsync(ids[i], token);
            }

            var done = 0;
            await foreach (var finished in Task.WhenEach(waits).ConfigureAwait(false))
            {
                var record = await finished.ConfigureAwait(false);
                if (record.Status != JobStatus.Succeeded)
                {
                    throw new ChildJobFailedException(record.Id, record.Status, record.Error);
                }

                context.ReportItems(++done, count);
            }
        }
        catch
        {
            // The parent is cancelled, a child failed, or an enqueue threw: stop the children that are left.
            // Cancelling a finished child is a no-op.
            foreach (var id in ids)
            {
                try
                {
                    await monitor.CancelAsync(id, CancellationToken.None).ConfigureAwait(false);
                }
                catch (KeyNotFoundException)
                {
                    // Finished and already forgotten by the store's retention.
                }
            }

            throw;
        }
        finally
        {
            inline.Dispose();
        }
    }

    private static JobOptions ChildOptions(JobContext context, JobOptions? template, int index) => new()
    {
        Name = template?.Name ?? $"{context.Name ?? "job"}/child-{index}",
        Queue = template?.Queue,
        Priority = template?.Priority ?? JobPriority.Normal,
        Timeout = template?.Timeout,
        MaxAttempts = template?.MaxAttempts,
        Backoff = template?.Backoff,
        Delay = template?.Delay,
        RunAt = template?.RunAt,
        ParentId = context.Id,
    };

    private static void ThrowIfChildrenCannotRun(JobContext context, JobOptions? template)
    {
        if (context.Services.GetService<IOptions<BackgroundJobsOptions>>()?.Value is not { } options)
        {
            return;
        }

        var queue = template?.Queue ?? options.DefaultQueue;
        if (string.Equals(queue, context.Queue, StringComparison.Ordinal)
            && options.Queues.TryGetValue(queue, out var queueOptions)
            && queueOptions.Workers == 1)
        {
            throw new InvalidOperationException($"Job {context.Id} cannot fan out to its own queue '{queue}': the queue has one worker, which this job holds while it waits, so the children could never run. Send the children to another queue (JobOptions.Queue) or give this queue more workers.");
        }
    }
}
