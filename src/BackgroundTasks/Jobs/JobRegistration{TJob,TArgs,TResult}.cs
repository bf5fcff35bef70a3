using System.Text.Json.Serialization.Metadata;

namespace BackgroundTasks;

/// <summary>The registration of an <see cref="IJob{TArgs, TResult}"/>: its result becomes the job's result.</summary>
/// <typeparam name="TJob">The job's class.</typeparam>
/// <typeparam name="TArgs">The arguments' type.</typeparam>
/// <typeparam name="TResult">The result's type.</typeparam>
internal sealed class JobRegistration<TJob, TArgs, TResult>(string name, JsonTypeInfo<TArgs> typeInfo)
    : JobRegistration<TArgs>(name, typeof(TJob), typeof(TResult), typeInfo)
    where TJob : class, IJob<TArgs, TResult>
{
    public override async Task<object?> RunAsync(IServiceProvider services, string arguments, JobContext context)
    {
        var args = ReadArguments(arguments);
        return await ResolveJob<TJob>(services).RunAsync(args, context).ConfigureAwait(false);
    }

    public override string Describe() => $"IJob<{TypeNames.Format(typeof(TArgs))}, {TypeNames.Format(typeof(TResult))}>";
}
