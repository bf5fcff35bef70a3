namespace BackgroundTasks;

/// <summary>
/// A job written as a class: it takes arguments of type <typeparamref name="TArgs"/>, is registered under a
/// stable name, and is resolved from a DI scope of its own on each attempt. Unlike a lambda, a typed job
/// can be stored: its record keeps its name and its arguments (as JSON), from which
/// <see cref="IJobMonitor.RetryAsync"/> runs it again.
/// </summary>
/// <typeparam name="TArgs">
/// The job's arguments: plain data that System.Text.Json writes and reads back unchanged (public properties
/// with getters and setters or constructor parameters). Services such as clients or streams do not belong
/// here; take them in the job's constructor.
/// </typeparam>
/// <example>
/// <code language="csharp">
/// public sealed record InvoiceArgs(int InvoiceId, string Email);
///
/// public sealed class SendInvoice(IMailer mailer) : IJob&lt;InvoiceArgs&gt;
/// {
///     public Task RunAsync(InvoiceArgs args, JobContext context) =>
///         mailer.SendAsync(args.Email, $"Invoice {args.InvoiceId}", context.CancellationToken);
/// }
///
/// [JsonSerializable(typeof(InvoiceArgs))]
/// internal sealed partial class AppJsonContext : JsonSerializerContext;
///
/// services.AddBackgroundJobs()
///     .AddJob&lt;SendInvoice, InvoiceArgs&gt;("send-invoice", AppJsonContext.Default.InvoiceArgs);
/// </code>
/// </example>
public interface IJob<TArgs>
{
    /// <summary>Runs one attempt of the job.</summary>
    /// <param name="args">The arguments the job was enqueued with, read back from their stored form.</param>
    /// <param name="context">The attempt's context: id, attempt number, cancellation token and progress.</param>
    /// <returns>A task that completes when the attempt ends; a fault fails the attempt (and retries it if attempts are left).</returns>
    Task RunAsync(TArgs args, JobContext context);
}
