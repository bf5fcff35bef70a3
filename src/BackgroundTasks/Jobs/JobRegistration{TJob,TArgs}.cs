using System.Text.Json.Serialization.Metadata;

namespace BackgroundTasks;

/// <summary>The registration of an <see cref="IJob{TArgs}"/>.</summary>
/// <typeparam name="TJob">The job's class.</typeparam>
/// <typeparam name="TArgs">The arguments' type.</typeparam>
internal sealed class JobRegistration<TJob, TArgs>(string name, JsonTypeInfo<TArgs> typeInfo)
    : JobRegistration<TArgs>(name, typeof(TJob), resultType: null, typeInfo)
    where TJob : class, IJob<TArgs>
{
    public override async Task<object?> RunAsync(IServiceProvider services, string arguments, JobContext context)
    {
        var args = ReadArguments(arguments);
        await ResolveJob<TJob>(services).RunAsync(args, context).ConfigureAwait(false);
        return null;
    }

    public override string Describe() => $"IJob<{TypeNames.Format(typeof(TArgs))}>";
}
