using System.Data.Common;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// The connection string of the pool the store makes for itself (<c>UseNpgsql(connectionString)</c>): the user's, with two
/// settings of its own where the user set none. The store keeps no session state between uses of a connection, so it skips
/// the reset (<c>DISCARD ALL</c>) that would double the statements an idle host sends; and it prepares its statements
/// (<c>Max Auto Prepare</c>): planning them again at every use took more of the server's time than running them.
/// </summary>
internal static class StoreConnectionString
{
    /// <summary>How many statements each connection of the pool keeps prepared: more than the store uses.</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>Makes the pool's connection string from the user's.</summary>
    /// <exception cref="ArgumentException">The string is not a valid Npgsql connection string.</exception>
    /// <exception cref="FormatException">A value in the string does not fit its setting.</exception>
    /// <exception cref="KeyNotFoundException">The string names a setting Npgsql does not know.</exception>
    public static NpgsqlConnectionStringBuilder Create(string connectionString)
    {
        var connection = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (!Sets(connectionString, nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
        {
            connection.MaxAutoPrepare = MaxAutoPrepare;
        }

        return connection;
    }

    /// <summary>Whether the string sets <paramref name="setting"/>, under either of its names ("Max Auto Prepare" or "MaxAutoPrepare", in any case).</summary>
    private static bool Sets(string connectionString, string setting)
    {
        // Npgsql's own builder answers ContainsKey for every setting it knows, set or not: the string's own keys tell.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
        {
            if (key.Replace(" ", string.Empty, StringComparison.Ordinal).Equals(setting, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
