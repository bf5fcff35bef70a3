using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BackgroundTasks;

/// <summary>Registers typed jobs.</summary>
public sealed partial class BackgroundJobsBuilder
{
    private const string ReflectionMessage =
        "Serializing the job's arguments with reflection may need types and members that trimming removes, and code generated at run time. "
        + "Pass a JsonTypeInfo<TArgs> from a JsonSerializerContext instead: AddJob<TJob, TArgs>(name, MyJsonContext.Default.MyArgs).";

    /// <summary>
    /// Registers a typed job under a stable name, with the source-generated JSON contract of its arguments
    /// (trim- and AOT-safe). The job's class is added as a scoped service, resolved from a DI scope of its
    /// own on each attempt.
    /// </summary>
    /// <typeparam name="TJob">The job's class.</typeparam>
    /// <typeparam name="TArgs">The job's arguments.</typeparam>
    /// <param name="name">
    /// The job's name, kept by the store to run the job again, so it must not change once jobs are stored:
    /// 1 to 200 characters, each an ASCII letter or digit, '-', '_', '.' or ':'; case-sensitive.
    /// </param>
    /// <param name="argumentsTypeInfo">The arguments' JSON contract, such as <c>MyJsonContext.Default.InvoiceArgs</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="argumentsTypeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="name"/> is empty, too long or has a character outside the safe set; it is taken by
    /// another job class, or <typeparamref name="TJob"/> is registered under another name; or a public member
    /// of <typeparamref name="TArgs"/> is never written to JSON (a public field, a property without a public
    /// getter), so it would be lost when the job is stored; or a member of <typeparamref name="TArgs"/> (at any
    /// depth) is a stream, a delegate, a task or a cancellation token. Repeating a call with the same name, job
    /// and types does nothing (the first call's contract stays).
    /// </exception>
    public BackgroundJobsBuilder AddJob<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TJob,
        [DynamicallyAccessedMembers(JobArgumentsContract.CheckedMembers)] TArgs>(string name, JsonTypeInfo<TArgs> argumentsTypeInfo)
        where TJob : class, IJob<TArgs>
    {
        JobNames.ThrowIfInvalid(name, AddJobCall<TJob, TArgs>(resultType: null), typeof(TJob));
        ArgumentNullException.ThrowIfNull(argumentsTypeInfo);
        JobArgumentsContract.ThrowIfMembersUnwritten(name, argumentsTypeInfo, typeof(TArgs), "TArgs");
        JobArgumentsContract.ThrowIfNotData(name, argumentsTypeInfo, "TArgs");
        Add<TJob>(new JobRegistration<TJob, TArgs>(name, argumentsTypeInfo), nameof(name));
        return this;
    }

    /// <summary>
    /// Registers a typed job under a stable name, serializing its arguments with reflection. Prefer
    /// <see cref="AddJob{TJob, TArgs}(string, JsonTypeInfo{TArgs})"/> in trimmed or native AOT apps.
    /// </summary>
    /// <typeparam name="TJob">The job's class.</typeparam>
    /// <typeparam name="TArgs">The job's arguments.</typeparam>
    /// <param name="name">The job's name, kept by the store; see <see cref="AddJob{TJob, TArgs}(string, JsonTypeInfo{TArgs})"/>.</param>
    /// <param name="serializerOptions">
    /// The serializer's options, copied when not yet read-only; <see langword="null"/> for
    /// <see cref="JsonSerializerOptions.Web"/> (camel case, case-insensitive reading).
    /// </param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="AddJob{TJob, TArgs}(string, JsonTypeInfo{TArgs})"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public BackgroundJobsBuilder AddJob<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TJob,
        [DynamicallyAccessedMembers(JobArgumentsContract.CheckedMembers)] TArgs>(string name, JsonSerializerOptions? serializerOptions = null)
        where TJob : class, IJob<TArgs>
    {
        JobNames.ThrowIfInvalid(name, AddJobCall<TJob, TArgs>(resultType: null), typeof(TJob));
        return AddJob<TJob, TArgs>(name, ReflectionTypeInfo<TArgs>(name, serializerOptions, nameof(serializerOptions)));
    }

    /// <summary>
    /// Registers a typed job that returns a result (kept as <see cref="JobRecord.Result"/>) under a stable
    /// name, with the source-generated JSON contract of its arguments (trim- and AOT-safe). The job's class is
    /// added as a scoped service, resolved from a DI scope of its own on each attempt.
    /// </summary>
    /// <typeparam name="TJob">The job's class.</typeparam>
    /// <typeparam name="TArgs">The job's arguments.</typeparam>
    /// <typeparam name="TResult">The job's result.</typeparam>
    /// <param name="name">The job's name, kept by the store; see <see cref="AddJob{TJob, TArgs}(string, JsonTypeInfo{TArgs})"/>.</param>
    /// <param name="argumentsTypeInfo">The arguments' JSON contract, such as <c>MyJsonContext.Default.ResizeArgs</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="argumentsTypeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="AddJob{TJob, TArgs}(string, JsonTypeInfo{TArgs})"/>.</exception>
    public BackgroundJobsBuilder AddJob<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TJob,
        [DynamicallyAccessedMembers(JobArgumentsContract.CheckedMembers)] TArgs,
        TResult>(string name, JsonTypeInfo<TArgs> argumentsTypeInfo)
        where TJob : class, IJob<TArgs, TResult>
    {
        JobNames.ThrowIfInvalid(name, AddJobCall<TJob, TArgs>(typeof(TResult)), typeof(TJob));
        ArgumentNullException.ThrowIfNull(argumentsTypeInfo);
        JobArgumentsContract.ThrowIfMembersUnwritten(name, argumentsTypeInfo, typeof(TArgs), "TArgs");
        JobArgumentsContract.ThrowIfNotData(name, argumentsTypeInfo, "TArgs");
        Add<TJob>(new JobRegistration<TJob, TArgs, TResult>(name, argumentsTypeInfo), nameof(name));
        return this;
    }

    /// <summary>
    /// Registers a typed job that returns a result under a stable name, serializing its arguments with
    /// reflection. Prefer <see cref="AddJob{TJob, TArgs, TResult}(string, JsonTypeInfo{TArgs})"/> in trimmed
    /// or native AOT apps.
    /// </summary>
    /// <typeparam name="TJob">The job's class.</typeparam>
    /// <typeparam name="TArgs">The job's arguments.</typeparam>
    /// <typeparam name="TResult">The job's result.</typeparam>
    /// <param name="name">The job's name, kept by the store; see <see cref="AddJob{TJob, TArgs}(string, JsonTypeInfo{TArgs})"/>.</param>
    /// <param name="serializerOptions">
    /// The serializer's options, copied when not yet read-only; <see langword="null"/> for
    /// <see cref="JsonSerializerOptions.Web"/> (camel case, case-insensitive reading).
    /// </param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">See <see cref="AddJob{TJob, TArgs}(string, JsonTypeInfo{TArgs})"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public BackgroundJobsBuilder AddJob<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TJob,
        [DynamicallyAccessedMembers(JobArgumentsContract.CheckedMembers)] TArgs,
        TResult>(string name, JsonSerializerOptions? serializerOptions = null)
        where TJob : class, IJob<TArgs, TResult>
    {
        JobNames.ThrowIfInvalid(name, AddJobCall<TJob, TArgs>(typeof(TResult)), typeof(TJob));
        return AddJob<TJob, TArgs, TResult>(name, ReflectionTypeInfo<TArgs>(name, serializerOptions, nameof(serializerOptions)));
    }

    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    private static JsonTypeInfo<TArgs> ReflectionTypeInfo<TArgs>(string name, JsonSerializerOptions? options, string paramName)
    {
        options ??= JsonSerializerOptions.Web;
        if (!options.IsReadOnly)
        {
            options = new JsonSerializerOptions(options);
            options.TypeInfoResolver ??= new DefaultJsonTypeInfoResolver();
            options.MakeReadOnly();
        }

        try
        {
            return (JsonTypeInfo<TArgs>)options.GetTypeInfo(typeof(TArgs));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            throw TypedJobErrors.NoContract(name, typeof(TArgs), ex, paramName);
        }
    }

    private static string AddJobCall<TJob, TArgs>(Type? resultType) =>
        $"AddJob<{TypeNames.Format(typeof(TJob))}, {TypeNames.Format(typeof(TArgs))}{(resultType is null ? string.Empty : ", " + TypeNames.Format(resultType))}>";

    /// <summary>Adds a registration unless an identical one exists; throws when it conflicts with one already in the services.</summary>
    private void Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TJob>(JobRegistration registration, string paramName)
        where TJob : class
    {
        foreach (var descriptor in Services)
        {
            if (descriptor.ServiceType != typeof(JobRegistration) || descriptor.IsKeyedService || descriptor.ImplementationInstance is not JobRegistration existing)
            {
                continue;
            }

            if (registration.IsRepeatOf(existing))
            {
                return;
            }

            if (TypedJobErrors.Conflict(existing, registration) is { } conflict)
            {
                throw TypedJobErrors.Conflicting(conflict, paramName);
            }
        }

        Services.TryAddScoped<TJob>();
        Services.Add(ServiceDescriptor.Singleton(registration));
    }
}
