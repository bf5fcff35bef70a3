using Microsoft.Extensions.DependencyInjection;

namespace BackgroundTasks;

/// <summary>
/// A typed job registered under a stable name by <c>AddJob</c>: how to store its arguments and how to run
/// it. Only registered jobs can run: a stored name leads here through the <see cref="JobRegistry"/>, never
/// to a CLR type by its name.
/// </summary>
internal abstract class JobRegistration
{
    private protected JobRegistration(string name, Type jobType, Type argumentsType, Type? resultType)
    {
        Name = name;
        JobType = jobType;
        ArgumentsType = argumentsType;
        ResultType = resultType;
    }

    /// <summary>Gets the name the job is registered under, which the store keeps as <see cref="JobRecord.Name"/>.</summary>
    public string Name { get; }

    /// <summary>Gets the job's class, resolved from the attempt's DI scope.</summary>
    public Type JobType { get; }

    /// <summary>Gets the type of the job's arguments.</summary>
    public Type ArgumentsType { get; }

    /// <summary>Gets the type of the job's result, or <see langword="null"/> for an <see cref="IJob{TArgs}"/>.</summary>
    public Type? ResultType { get; }

    /// <summary>Gets a value indicating whether the job returns a result (<see cref="IJob{TArgs, TResult}"/>).</summary>
    public bool HasResult => ResultType is not null;

    /// <summary>
    /// Serializes a job's arguments for the store (<see cref="JobRecord.Arguments"/>), and checks that they
    /// survive the trip: written, read back and written again, they must give the same JSON.
    /// </summary>
    /// <typeparam name="TArgs">The arguments' type, which must be the registered one.</typeparam>
    /// <param name="args">The arguments.</param>
    /// <returns>The arguments as JSON.</returns>
    /// <exception cref="ArgumentException">
    /// The arguments are not of the registered type, cannot be written or read back, or a member changes on
    /// the way; the message names the job, the member and the fix (parameter name <c>args</c>).
    /// </exception>
    public string SerializeArguments<TArgs>(TArgs args) =>
        this is JobRegistration<TArgs> typed ? typed.Serialize(args) : throw TypedJobErrors.WrongArgumentsType(this, typeof(TArgs), nameof(args));

    /// <summary>
    /// Runs one attempt: reads the stored arguments, resolves the job from <paramref name="services"/> (the
    /// attempt's DI scope) and calls its <c>RunAsync</c>.
    /// </summary>
    /// <param name="services">The attempt's services; the job is resolved from them on every call.</param>
    /// <param name="arguments">The stored arguments (<see cref="JobRecord.Arguments"/>).</param>
    /// <param name="context">The attempt's context, passed to the job as it is.</param>
    /// <returns>The job's result, or <see langword="null"/> for an <see cref="IJob{TArgs}"/>.</returns>
    /// <remarks>
    /// Faults with <see cref="InvalidOperationException"/> when the arguments cannot be read (the type changed
    /// since enqueue) or the job cannot be resolved; otherwise with whatever the job throws.
    /// </remarks>
    public abstract Task<object?> RunAsync(IServiceProvider services, string arguments, JobContext context);

    /// <summary>Gets a value indicating whether <paramref name="other"/> registers the same job in the same way (a repeated <c>AddJob</c> call).</summary>
    public bool IsRepeatOf(JobRegistration other) =>
        string.Equals(Name, other.Name, StringComparison.Ordinal) && JobType == other.JobType && ArgumentsType == other.ArgumentsType && ResultType == other.ResultType;

    /// <summary>Describes the job's contract for messages, such as <c>IJob&lt;InvoiceArgs&gt;</c>.</summary>
    public abstract string Describe();

    /// <inheritdoc/>
    public override string ToString() => $"'{Name}' ({TypeNames.Format(JobType)}, {Describe()})";

    /// <summary>Resolves the job from the attempt's services.</summary>
    private protected TJob ResolveJob<TJob>(IServiceProvider services)
        where TJob : class =>
        services.GetService<TJob>() ?? throw TypedJobErrors.JobNotResolvable(Name, JobType);
}
