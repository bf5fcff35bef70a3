using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace BackgroundTasks;

/// <summary>
/// Compares a job's arguments type with its JSON contract (<see cref="JsonTypeInfo"/>): which members are
/// never written, and which member a JSON path points to. Trim- and AOT-safe: the type's own public members
/// are kept by <see cref="DynamicallyAccessedMembersAttribute"/>, and nested types are reached only through
/// the contract.
/// </summary>
internal static class JobArgumentsContract
{
    /// <summary>The members of the arguments type itself that the contract reads; nested types are checked by the round trip only.</summary>
    public const DynamicallyAccessedMemberTypes CheckedMembers = DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties;

    /// <summary>
    /// Throws when a public field or property of <paramref name="argumentsType"/> is never written by the
    /// contract, so its value would be lost when the job is stored: a public field without
    /// <c>IncludeFields</c> or <see cref="JsonIncludeAttribute"/>, or a property without a public getter.
    /// Members marked <see cref="JsonIgnoreAttribute"/> are left alone.
    /// </summary>
    /// <remarks>
    /// Skipped when the contract is not an object's, or when one of its properties is not tied to a member
    /// (a contract customised with a modifier): the members cannot be matched then.
    /// </remarks>
    public static void ThrowIfMembersUnwritten(string jobName, JsonTypeInfo typeInfo, [DynamicallyAccessedMembers(CheckedMembers)] Type argumentsType, string paramName)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in typeInfo.Properties)
        {
            if (property.AttributeProvider is not MemberInfo member)
            {
                return;
            }

            if (property.Get is not null)
            {
                written.Add(member.Name);
            }
        }

        foreach (var field in argumentsType.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!written.Contains(field.Name) && !field.IsDefined(typeof(JsonIgnoreAttribute), inherit: true))
            {
                throw TypedJobErrors.FieldNotWritten(jobName, argumentsType, field.Name, paramName);
            }
        }

        foreach (var property in argumentsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0
                && !written.Contains(property.Name)
                && !property.IsDefined(typeof(JsonIgnoreAttribute), inherit: true))
            {
                throw TypedJobErrors.PropertyNotWritten(jobName, argumentsType, property.Name, property.GetMethod?.IsPublic == true, paramName);
            }
        }
    }

    /// <summary>
    /// Throws when a member anywhere in the contract holds something that is not data and cannot be stored: a
    /// stream, a delegate, a task or a cancellation token. Caught here, at registration, because a null value
    /// would pass the enqueue-time check and the job would silently run without it after a restart.
    /// </summary>
    public static void ThrowIfNotData(string jobName, JsonTypeInfo root, string paramName)
    {
        if (NotData(root.Type) is { } rootWhat)
        {
            throw TypedJobErrors.NotData(jobName, "the arguments are", root.Type, rootWhat, paramName);
        }

        var seen = new HashSet<Type>();
        var pending = new Stack<JsonTypeInfo>();
        pending.Push(root);
        while (pending.TryPop(out var typeInfo))
        {
            if (!seen.Add(typeInfo.Type))
            {
                continue;
            }

            if (typeInfo.Kind == JsonTypeInfoKind.Object)
            {
                foreach (var property in typeInfo.Properties)
                {
                    if (NotData(property.PropertyType) is { } what)
                    {
                        var member = (property.AttributeProvider as MemberInfo)?.Name ?? property.Name;
                        throw TypedJobErrors.NotData(jobName, $"{TypeNames.Format(typeInfo.Type)}.{member} is", property.PropertyType, what, paramName);
                    }

                    Push(typeInfo, property.PropertyType, pending);
                }
            }
            else if (typeInfo.Kind is JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary && typeInfo.ElementType is { } element)
            {
                if (NotData(element) is { } what)
                {
                    throw TypedJobErrors.NotData(jobName, $"the items of {TypeNames.Format(typeInfo.Type)} are", element, what, paramName);
                }

                Push(typeInfo, element, pending);
            }
        }
    }

    private static void Push(JsonTypeInfo owner, Type type, Stack<JsonTypeInfo> pending)
    {
        try
        {
            pending.Push(owner.Options.GetTypeInfo(type));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            // The resolver has no contract for this type; serializing it will say so.
        }
    }

    private static string? NotData(Type type) =>
        typeof(Stream).IsAssignableFrom(type) ? "a stream"
        : typeof(Delegate).IsAssignableFrom(type) ? "a delegate"
        : typeof(Task).IsAssignableFrom(type) || type == typeof(ValueTask) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>)) ? "a task"
        : type == typeof(CancellationToken) ? "a cancellation token"
        : null;

    /// <summary>
    /// Names the member a JSON path leads to, such as <c>InvoiceLine.Price</c> for <c>$.lines[2].price</c>,
    /// by walking the contract; <see langword="null"/> when the path does not lead to a member.
    /// </summary>
    public static string? FindMember(JsonTypeInfo root, IReadOnlyList<JsonDifference.Segment> path)
    {
        var current = root;
        string? member = null;
        try
        {
            foreach (var segment in path)
            {
                if (current.Kind == JsonTypeInfoKind.Object && segment.Property is not null)
                {
                    var property = current.Properties.FirstOrDefault(p => p.Name == segment.Property);
                    if (property is null)
                    {
                        return member;
                    }

                    member = $"{TypeNames.Format(current.Type)}.{(property.AttributeProvider as MemberInfo)?.Name ?? property.Name}";
                    current = current.Options.GetTypeInfo(property.PropertyType);
                }
                else if (current.Kind is JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary && current.ElementType is { } element)
                {
                    current = current.Options.GetTypeInfo(element);
                }
                else
                {
                    return member;
                }
            }
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            // The resolver does not know a nested type: the path alone must do.
        }

        return member;
    }
}
