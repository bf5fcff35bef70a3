namespace BackgroundTasks;

/// <summary>
/// A job written as a class that returns a value, which becomes the job's <see cref="JobRecord.Result"/>.
/// Like <see cref="IJob{TArgs}"/>, it is registered under a stable name and resolved from a DI scope of its
/// own on each attempt, and its record keeps its name and arguments, so it can be run again.
/// </summary>
/// <typeparam name="TArgs">The job's arguments: plain data that System.Text.Json writes and reads back unchanged.</typeparam>
/// <typeparam name="TResult">The value the job returns.</typeparam>
/// <example>
/// <code language="csharp">
/// public sealed record ResizeArgs(string Path, int Width);
///
/// public sealed class ResizeImage(IImageStore images) : IJob&lt;ResizeArgs, string&gt;
/// {
///     public async Task&lt;string&gt; RunAsync(ResizeArgs args, JobContext context) =>
///         await images.ResizeAsync(args.Path, args.Width, context.CancellationToken);
/// }
///
/// [JsonSerializable(typeof(ResizeArgs))]
/// internal sealed partial class AppJsonContext : JsonSerializerContext;
///
/// services.AddBackgroundJobs()
///     .AddJob&lt;ResizeImage, ResizeArgs, string&gt;("resize-image", AppJsonContext.Default.ResizeArgs);
/// </code>
/// </example>
public interface IJob<TArgs, TResult>
{
    /// <summary>Runs one attempt of the job.</summary>
    /// <param name="args">The arguments the job was enqueued with, read back from their stored form.</param>
    /// <param name="context">The attempt's context: id, attempt number, cancellation token and progress.</param>
    /// <returns>The job's result, kept as its <see cref="JobRecord.Result"/> when the attempt succeeds.</returns>
    Task<TResult> RunAsync(TArgs args, JobContext context);
}
