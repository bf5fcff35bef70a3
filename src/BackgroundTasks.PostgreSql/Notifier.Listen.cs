using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// The <c>LISTEN</c> connection: opened when the store opens, waiting for notifications until the store is disposed, and
/// opened again (after waits that double up to five seconds) when it is lost.
/// </summary>
internal sealed partial class Notifier
{
    private static readonly TimeSpan s_maxRetry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest wait for notifications before the loop looks at its token again. Npgsql can lose a wait's cancellation
    /// (it fires after the wait checked the token, and the read then swaps the cancelled source for a fresh one): without
    /// a timeout, DisposeAsync then hung for good. A timeout sends nothing to the server.
    /// </summary>
    private static readonly TimeSpan s_waitSlice = TimeSpan.FromSeconds(1);

#pragma warning disable CA1031 // The listener logs what went wrong and listens again; it never stops while the store is open.
    private async Task ListenAsync(CancellationToken stopping)
    {
        var retry = TimeSpan.FromMilliseconds(100);
        var lost = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += OnNotification;
                    var listen = new NpgsqlCommand($"LISTEN \"{Channel}\"", connection);
                    await using (listen.ConfigureAwait(false))
                    {
                        await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                    }

                    if (lost)
                    {
                        _logger.ListenRestored(Channel);
                    }

                    lost = false;
                    retry = TimeSpan.FromMilliseconds(100);
                    SetListening(true);
                    _listening.TrySetResult();
                    try
                    {
                        while (!stopping.IsCancellationRequested)
                        {
                            await connection.WaitAsync(s_waitSlice, stopping).ConfigureAwait(false);
                        }
                    }
                    catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                    {
                    }

                    // The connection goes back to the pool, which may skip its reset: it must not go on listening.
                    SetListening(false);
                    await UnlistenAsync(connection).ConfigureAwait(false);
                    return;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                _logger.ListenLost(Channel, retry, exception);
                lost = true;
                SetListening(false);
            }

            try
            {
                await Task.Delay(retry, _clock, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, s_maxRetry.Ticks));
        }
    }

    private static async Task UnlistenAsync(NpgsqlConnection connection)
    {
        try
        {
            var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
            await using (unlisten.ConfigureAwait(false))
            {
                await unlisten.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The connection is broken: the pool drops it.
        }
    }
#pragma warning restore CA1031
}
