using Npgsql;
using NpgsqlTypes;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// The values of one execution of a <see cref="PositionalStatement"/>, given by name in any order and kept at their
/// positions, unnamed (the form Npgsql sends without rewriting). A value the statement does not use is dropped.
/// </summary>
internal sealed class StatementParameters
{
    private readonly PositionalStatement _statement;
    private readonly NpgsqlParameter?[] _values;

    public StatementParameters(PositionalStatement statement)
    {
        _statement = statement;
        _values = new NpgsqlParameter?[statement.Count];
    }

    /// <summary>Gives <paramref name="name"/> a value whose type follows from its .NET type; never <see langword="null"/>.</summary>
    public void AddWithValue(string name, object value)
    {
        if (_statement.PositionOf(name) is >= 0 and var position)
        {
            _values[position] = new NpgsqlParameter { Value = value };
        }
    }

    /// <summary>Gives <paramref name="name"/> a value of a stated type, <see langword="null"/> for SQL NULL.</summary>
    public void Add(string name, NpgsqlDbType type, object? value)
    {
        if (_statement.PositionOf(name) is >= 0 and var position)
        {
            _values[position] = new NpgsqlParameter { NpgsqlDbType = type, Value = value ?? DBNull.Value };
        }
    }

    /// <summary>Adds the values to a command in their order.</summary>
    /// <exception cref="InvalidOperationException">A parameter was not given.</exception>
    public void CopyTo(NpgsqlParameterCollection parameters)
    {
        for (var i = 0; i < _values.Length; i++)
        {
            parameters.Add(_values[i] ?? throw new InvalidOperationException($"The statement's parameter @{_statement.NameAt(i)} was given no value: {_statement.Named}"));
        }
    }
}
