using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BackgroundTasks;

/// <summary>The part of a registration that knows the arguments' type: it writes, checks and reads them with the registered contract.</summary>
/// <typeparam name="TArgs">The arguments' type.</typeparam>
internal abstract class JobRegistration<TArgs> : JobRegistration
{
    private readonly JsonTypeInfo<TArgs> _typeInfo;

    private protected JobRegistration(string name, Type jobType, Type? resultType, JsonTypeInfo<TArgs> typeInfo)
        : base(name, jobType, typeof(TArgs), resultType)
    {
        _typeInfo = typeInfo;
    }

    /// <summary>Gets the arguments' JSON contract.</summary>
    public JsonTypeInfo<TArgs> TypeInfo => _typeInfo;

    /// <summary>Writes the arguments, reads them back and writes them again; both writings must match.</summary>
    /// <exception cref="ArgumentException">The arguments cannot be stored as they are; see <see cref="JobRegistration.SerializeArguments{TArgs}"/>.</exception>
    public string Serialize(TArgs args)
    {
        if (!typeof(TArgs).IsValueType
            && args is not null
            && args.GetType() != typeof(TArgs)
            && _typeInfo.Kind == JsonTypeInfoKind.Object
            && _typeInfo.PolymorphismOptions is null)
        {
            throw TypedJobErrors.DerivedArguments(Name, typeof(TArgs), args.GetType(), nameof(args));
        }

        byte[] first;
        try
        {
            first = JsonSerializer.SerializeToUtf8Bytes(args, _typeInfo);
        }
        catch (Exception ex) when (IsSerializerError(ex))
        {
            throw TypedJobErrors.CannotStore(Name, typeof(TArgs), reading: false, ex, nameof(args));
        }

        TArgs? copy;
        try
        {
            copy = JsonSerializer.Deserialize(first, _typeInfo);
        }
        catch (Exception ex) when (IsSerializerError(ex))
        {
            throw TypedJobErrors.CannotStore(Name, typeof(TArgs), reading: true, ex, nameof(args));
        }

        byte[] second;
        try
        {
            second = JsonSerializer.SerializeToUtf8Bytes(copy!, _typeInfo);
        }
        catch (Exception ex) when (IsSerializerError(ex))
        {
            throw TypedJobErrors.CannotStore(Name, typeof(TArgs), reading: true, ex, nameof(args));
        }

        if (!first.AsSpan().SequenceEqual(second))
        {
            var difference = JsonDifference.Find(first, second, _typeInfo.Options.MaxDepth);
            throw TypedJobErrors.RoundTripFailed(
                Name,
                typeof(TArgs),
                JsonDifference.FormatPath(difference.Path),
                JobArgumentsContract.FindMember(_typeInfo, difference.Path),
                difference.Before,
                difference.After,
                nameof(args));
        }

        return Encoding.UTF8.GetString(first);
    }

    /// <summary>Reads stored arguments for a run.</summary>
    /// <exception cref="InvalidOperationException">The JSON does not fit <typeparamref name="TArgs"/>; the message names the job, the type and the path.</exception>
    private protected TArgs ReadArguments(string arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        try
        {
            return JsonSerializer.Deserialize(arguments, _typeInfo)!;
        }
        catch (Exception ex) when (IsSerializerError(ex))
        {
            throw TypedJobErrors.StoredArgumentsUnreadable(Name, typeof(TArgs), ex);
        }
    }

    /// <summary>
    /// What System.Text.Json throws for data it cannot handle: bad or mismatched JSON, unsupported types
    /// (streams, delegates), cycles, and contracts it cannot use (<see cref="InvalidOperationException"/>).
    /// </summary>
    private static bool IsSerializerError(Exception ex) => ex is JsonException or NotSupportedException or InvalidOperationException;
}
