using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// A statement written with named parameters (<c>@name</c>) and turned, once, into PostgreSQL's positional form
/// (<c>$1</c>, <c>$2</c>, …): Npgsql sends a positional statement as it is, where it would parse and rewrite a named one at
/// every execution (a tenth of a busy host's CPU). A name used twice is one position.
/// </summary>
internal sealed partial class PositionalStatement
{
    private readonly Dictionary<string, int> _positions;

    public PositionalStatement(string named)
    {
        Named = named;
        _positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var sql = new StringBuilder(named.Length);
        var last = 0;
        foreach (Match match in ParameterName().Matches(named))
        {
            var name = match.Groups[1].Value;
            if (!_positions.TryGetValue(name, out var position))
            {
                position = _positions.Count;
                _positions.Add(name, position);
            }

            sql.Append(named, last, match.Index - last).Append('$').Append(position + 1);
            last = match.Index + match.Length;
        }

        Sql = sql.Append(named, last, named.Length - last).ToString();
    }

    /// <summary>Gets the statement as written, with its named parameters.</summary>
    public string Named { get; }

    /// <summary>Gets the statement as sent, with positional parameters.</summary>
    public string Sql { get; }

    /// <summary>Gets how many parameters the statement takes.</summary>
    public int Count => _positions.Count;

    /// <summary>Makes a command of the statement with the parameters <paramref name="bind"/> gives by name.</summary>
    /// <exception cref="InvalidOperationException">A parameter of the statement was not given (a mistake in the store).</exception>
    public NpgsqlBatchCommand CreateCommand(Action<StatementParameters> bind)
    {
        var parameters = new StatementParameters(this);
        bind(parameters);
        var command = new NpgsqlBatchCommand(Sql);
        parameters.CopyTo(command.Parameters);
        return command;
    }

    /// <summary>Gets the position of <paramref name="name"/>, or -1 when the statement does not use it.</summary>
    public int PositionOf(string name) => _positions.TryGetValue(name, out var position) ? position : -1;

    /// <summary>Gets the name at <paramref name="position"/> (for the message of a parameter not given).</summary>
    public string NameAt(int position)
    {
        foreach (var (name, at) in _positions)
        {
            if (at == position)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(position));
    }

    // A parameter: @ and a name, not preceded by a character of a name (no such @ appears in the store's literals).
    [GeneratedRegex(@"(?<![\w@])@([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}
