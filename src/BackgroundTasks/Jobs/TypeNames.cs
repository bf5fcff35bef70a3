using System.Text;

namespace BackgroundTasks;

/// <summary>Writes a type's name the way C# code spells it (<c>List&lt;InvoiceLine&gt;</c>, not <c>List`1</c>), for messages.</summary>
internal static class TypeNames
{
    public static string Format(Type type)
    {
        if (Keyword(type) is { } keyword)
        {
            return keyword;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Format(underlying) + "?";
        }

        if (type.IsArray && type.GetElementType() is { } element)
        {
            return Format(element) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var text = new StringBuilder(tick < 0 ? name : name[..tick]).Append('<');
        var arguments = type.GetGenericArguments();
        for (var i = 0; i < arguments.Length; i++)
        {
            text.Append(i == 0 ? string.Empty : ", ").Append(Format(arguments[i]));
        }

        return text.Append('>').ToString();
    }

    private static string? Keyword(Type type) =>
        type == typeof(int) ? "int"
        : type == typeof(string) ? "string"
        : type == typeof(bool) ? "bool"
        : type == typeof(long) ? "long"
        : type == typeof(double) ? "double"
        : type == typeof(decimal) ? "decimal"
        : type == typeof(object) ? "object"
        : type == typeof(byte) ? "byte"
        : type == typeof(short) ? "short"
        : type == typeof(float) ? "float"
        : type == typeof(char) ? "char"
        : type == typeof(uint) ? "uint"
        : type == typeof(ulong) ? "ulong"
        : type == typeof(ushort) ? "ushort"
        : type == typeof(sbyte) ? "sbyte"
        : null;
}
