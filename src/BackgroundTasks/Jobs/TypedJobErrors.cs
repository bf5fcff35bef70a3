using System.Text.Json;

namespace BackgroundTasks;

/// <summary>The exceptions of typed jobs, each built in one place, each naming the job and what to change.</summary>
internal static class TypedJobErrors
{
    private const int MaxPathLength = 120;

    private const string KeepData =
        "Keep only data in the arguments (strings, numbers, dates, lists, plain classes); take services, streams and delegates in the job's constructor instead.";

    public static ArgumentException FieldNotWritten(string jobName, Type argumentsType, string field, string paramName) => new(
        $"Job '{jobName}': {TypeNames.Format(argumentsType)}.{field} is a public field, which System.Text.Json does not write unless fields are included, "
        + $"so it would be lost when the job is stored. Make {field} a property with a public getter and setter, mark it [JsonInclude] "
        + "(or set IncludeFields), or mark it [JsonIgnore] if the job does not need it.",
        paramName);

    public static ArgumentException PropertyNotWritten(string jobName, Type argumentsType, string property, bool hasPublicGetter, string paramName) => new(
        $"Job '{jobName}': {TypeNames.Format(argumentsType)}.{property} "
        + (hasPublicGetter ? "is left out of the arguments' JSON contract" : "has no public getter, so System.Text.Json never writes it")
        + $", so it would be lost when the job is stored. Give {property} a public getter, mark it [JsonInclude], or mark it [JsonIgnore] if the job does not need it.",
        paramName);

    public static ArgumentException NoContract(string jobName, Type argumentsType, Exception inner, string paramName) => new(
        $"Job '{jobName}': the serializer options give no JSON contract for {TypeNames.Format(argumentsType)}: {inner.Message} "
        + $"Add {TypeNames.Format(argumentsType)} to the options' TypeInfoResolver, or pass its JsonTypeInfo from a JsonSerializerContext.",
        paramName,
        inner);

    /// <summary>A member holds something that is not data.</summary>
    /// <param name="jobName">The job.</param>
    /// <param name="subject">What holds it, such as <c>StreamArgs.Body is</c> or <c>the items of List&lt;Stream&gt; are</c>.</param>
    /// <param name="type">The member's type.</param>
    /// <param name="what">What the type is, such as "a stream".</param>
    /// <param name="paramName">The parameter to blame.</param>
    public static ArgumentException NotData(string jobName, string subject, Type type, string what, string paramName) => new(
        $"Job '{jobName}': {subject} of type {TypeNames.Format(type)} ({what}), which is not data: a stored job cannot carry it. {KeepData} For a file, pass its path or id.",
        paramName);

    public static ArgumentException WrongArgumentsType(JobRegistration registration, Type given, string paramName) => new(
        $"Job '{registration.Name}' ({TypeNames.Format(registration.JobType)}) takes arguments of type {TypeNames.Format(registration.ArgumentsType)}, "
        + $"not {TypeNames.Format(given)}: pass a {TypeNames.Format(registration.ArgumentsType)}.",
        paramName);

    public static ArgumentException DerivedArguments(string jobName, Type argumentsType, Type given, string paramName) => new(
        $"Job '{jobName}' takes arguments of type {TypeNames.Format(argumentsType)}, but was given a {TypeNames.Format(given)}: only the members of "
        + $"{TypeNames.Format(argumentsType)} would be stored. Pass a {TypeNames.Format(argumentsType)}, register the job with {TypeNames.Format(given)}, "
        + $"or declare the derived type on {TypeNames.Format(argumentsType)} with [JsonDerivedType].",
        paramName);

    /// <summary>Serializing the arguments, or reading them back, threw.</summary>
    /// <param name="jobName">The job.</param>
    /// <param name="argumentsType">The arguments' type.</param>
    /// <param name="reading">Whether reading back failed (rather than writing).</param>
    /// <param name="inner">What System.Text.Json threw.</param>
    /// <param name="paramName">The parameter that holds the arguments.</param>
    public static ArgumentException CannotStore(string jobName, Type argumentsType, bool reading, Exception inner, string paramName)
    {
        var (path, reason) = Split(inner);
        var fix = reading
            ? $"System.Text.Json must be able to create a {TypeNames.Format(argumentsType)} from its JSON: give it a public parameterless constructor "
              + "or a constructor whose parameters match its properties by name (or mark one [JsonConstructor]), and use concrete types for its members."
            : KeepData;
        return new ArgumentException(
            $"Job '{jobName}' cannot store its arguments ({TypeNames.Format(argumentsType)}): "
            + (reading ? "they are written but cannot be read back" : "they cannot be written")
            + (path is null ? ". " : $" at '{path}'. ")
            + reason + " " + fix,
            paramName,
            inner);
    }

    /// <summary>The arguments were written and read back, but the second writing differs from the first.</summary>
    public static ArgumentException RoundTripFailed(string jobName, Type argumentsType, string path, string? member, JsonValueKind before, JsonValueKind after, string paramName)
    {
        var where = member is null ? $"the value at '{path}'" : $"{member} (at '{path}')";
        var change = before == after
            ? "changes value once read back and written again"
            : $"is {JsonDifference.Describe(before)} when written, but {JsonDifference.Describe(after)} once read back and written again";
        var memberName = member is null ? "each member" : member[(member.LastIndexOf('.') + 1)..];
        return new ArgumentException(
            $"Job '{jobName}' cannot store its arguments ({TypeNames.Format(argumentsType)}): {where} {change}, so after a restart the job would run with "
            + $"different arguments. Make {memberName} a public property with a public setter or init accessor, mark it [JsonInclude], "
            + "or give the constructor a parameter of the same name.",
            paramName);
    }

    /// <summary>The stored arguments cannot be read at run time: the type changed since the job was enqueued, or the JSON was altered.</summary>
    public static InvalidOperationException StoredArgumentsUnreadable(string jobName, Type argumentsType, Exception inner)
    {
        var (path, reason) = Split(inner);
        return new InvalidOperationException(
            $"Job '{jobName}' cannot read its stored arguments as {TypeNames.Format(argumentsType)}"
            + (path is null ? ". " : $" at '{path}'. ")
            + reason
            + $" {TypeNames.Format(argumentsType)} has probably changed since the job was enqueued: keep the stored members readable "
            + "(add new members as optional, rename with [JsonPropertyName]) until the old jobs have run.",
            inner);
    }

    public static InvalidOperationException JobNotResolvable(string jobName, Type jobType) => new(
        $"Job '{jobName}': the services given to run it have no {TypeNames.Format(jobType)}. AddJob registers it as a scoped service; "
        + "run the job with a provider built from the same service collection (a DI scope of the host).");

    public static InvalidOperationException UnknownName(string name, IEnumerable<string> registered)
    {
        var known = registered.Order(StringComparer.Ordinal).Take(10).Select(n => $"'{n}'").ToList();
        return new InvalidOperationException(
            $"No typed job is registered under the name '{name}' in this host"
            + (known.Count == 0 ? " (none is)" : $" (registered: {string.Join(", ", known)})")
            + $". A stored job runs only in a host that registers its name: call AddJob<TJob, TArgs>(\"{name}\") on the builder that AddBackgroundJobs returns.");
    }

    public static InvalidOperationException NotRegistered(Type jobType) => new(
        $"{TypeNames.Format(jobType)} is not registered as a typed job: call AddJob<{TypeNames.Format(jobType)}, TArgs>(\"name\") "
        + "on the builder that AddBackgroundJobs returns.");

    public static ArgumentException Conflicting(string conflict, string paramName) => new(conflict, paramName);

    /// <summary>Says why two registrations cannot live in one host, or <see langword="null"/> when they can.</summary>
    public static string? Conflict(JobRegistration existing, JobRegistration added)
    {
        var sameName = string.Equals(existing.Name, added.Name, StringComparison.Ordinal);
        if (sameName && existing.JobType != added.JobType)
        {
            return $"The job name '{added.Name}' is registered for both {TypeNames.Format(existing.JobType)} and {TypeNames.Format(added.JobType)}: "
                + "a name must lead to one job type. Give each job a name of its own.";
        }

        if (!sameName && existing.JobType == added.JobType)
        {
            return $"{TypeNames.Format(added.JobType)} is registered under two names, '{existing.Name}' and '{added.Name}': a job type has one name, "
                + "which the store keeps to run it again. Remove one of the two AddJob calls.";
        }

        if (sameName && (existing.ArgumentsType != added.ArgumentsType || existing.ResultType != added.ResultType))
        {
            return $"{TypeNames.Format(added.JobType)} is registered twice under '{added.Name}', once as {existing.Describe()} and once as {added.Describe()}. "
                + "Keep one of the two AddJob calls.";
        }

        return null;
    }

    /// <summary>Takes the JSON path (shortened) and the message without its "Path: ..." tail from what System.Text.Json threw.</summary>
    private static (string? Path, string Reason) Split(Exception inner)
    {
        var path = inner is JsonException { Path: { Length: > 0 } jsonPath } ? jsonPath : null;
        var reason = inner.Message;
        var tail = reason.IndexOf(" Path: ", StringComparison.Ordinal);
        if (tail >= 0)
        {
            var end = reason.IndexOf(" | ", tail, StringComparison.Ordinal);
            path ??= reason[(tail + 7)..(end < 0 ? reason.Length : end)].TrimEnd('.');
            reason = reason[..tail];
        }

        if (path is { Length: > MaxPathLength })
        {
            path = path[..MaxPathLength] + "...";
        }

        return (path, reason.TrimEnd() is var trimmed && trimmed.EndsWith('.') ? trimmed : trimmed + ".");
    }
}
