using NpgsqlTypes;

namespace BackgroundTasks.PostgreSql.Tests.Store;

/// <summary>The writer's statements are sent with positional parameters, which Npgsql does not parse and rewrite at each execution.</summary>
public sealed class PositionalStatementTests
{
    [Test]
    public void Constructor_NamedParameters_NumbersEachNameOnceInOrderOfFirstUse()
    {
        var statement = new PositionalStatement("UPDATE t SET a = @a, b = @b WHERE id = @id AND a <> @a AND note = 'x@y' RETURNING @b_2");

        Assert.That(statement.Sql, Is.EqualTo("UPDATE t SET a = $1, b = $2 WHERE id = $3 AND a <> $1 AND note = 'x@y' RETURNING $4"));
        Assert.That(statement.Count, Is.EqualTo(4));
        Assert.That(statement.Named, Does.StartWith("UPDATE t SET a = @a"));
    }

    [Test]
    public void CreateCommand_ValuesGivenInAnyOrder_AreUnnamedAtTheirPositionsAndUnusedOnesDropped()
    {
        var statement = new PositionalStatement("SELECT @first, @second");

        var command = statement.CreateCommand(p =>
        {
            p.Add("second", NpgsqlDbType.Text, null);
            p.AddWithValue("unused", 3);
            p.AddWithValue("first", 7L);
        });

        Assert.That(command.CommandText, Is.EqualTo("SELECT $1, $2"));
        Assert.That(command.Parameters.Select(p => p.Value), Is.EqualTo(new object[] { 7L, DBNull.Value }));
        Assert.That(command.Parameters.Select(p => p.ParameterName), Has.All.Empty, "Named parameters would make Npgsql parse the statement again.");
        Assert.That(command.Parameters[1].NpgsqlDbType, Is.EqualTo(NpgsqlDbType.Text), "A NULL keeps its type.");
    }

    [Test]
    public void CreateCommand_ParameterNotGiven_ThrowsNamingIt()
    {
        var statement = new PositionalStatement("SELECT @first, @second");

        Assert.That(() => statement.CreateCommand(p => p.AddWithValue("first", 1)), Throws.InvalidOperationException.With.Message.Contains("@second"));
    }

    [Test]
    public async Task Statements_OfAStore_HaveNoNamedParameterLeft()
    {
        await using var schema = new TestSchema();
        await using var store = schema.Open();
        var sent = new[] { new PositionalStatement(store.ClaimSql), new PositionalStatement(store.NextDueSql), new PositionalStatement(JobRows.InsertSql("\"s\".jobs")) };

        var transitions = new TransitionSql("\"s\".jobs");
        var outcomes = from status in Enum.GetValues<JobStatus>()
                       from error in new[] { false, true }
                       from owner in new[] { false, true }
                       select transitions.For(status, error, owner);

        Assert.That(sent.Select(s => s.Sql), Has.None.Contains("@"));
        Assert.That(sent.Select(s => s.Count), Is.EqualTo(new[] { 5, 4, 37 }));
        var written = outcomes.OfType<PositionalStatement>().Append(transitions.Settled).Select(s => s.Sql).ToList();
        Assert.That(written, Has.Count.EqualTo(21), "Twenty transitions and the read-back of settled continuations.");
        Assert.That(written, Has.None.Contains("@"));
    }
}
