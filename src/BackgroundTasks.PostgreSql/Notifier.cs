using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>
/// What hosts sharing a schema tell each other, through <c>NOTIFY</c> on one channel per schema: jobs became ready in
/// a queue (<c>r</c>), jobs changed (<c>c</c>, their ids), or recurring jobs changed (<c>s</c>). Payloads carry the
/// sending store's instance, so a store ignores its own. Each store keeps one <c>LISTEN</c> connection (none in poll-only mode), opened again, with a logged
/// warning, when it is lost; while it is lost the hosts poll every <c>PollInterval</c>, and when it listens again every
/// queue this store claimed from is told to look again, for the notifications missed meanwhile.
/// </summary>
internal sealed partial class Notifier : IAsyncDisposable
{
    /// <summary>How many ids one change notification carries at most (PostgreSQL payloads stay under 8,000 bytes).</summary>
    private const int IdsPerNotification = 200;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _queues = new(StringComparer.Ordinal);
    private long _received;
    private int _isListening;

    public Notifier(NpgsqlDataSource dataSource, string schema, bool listen, TimeProvider clock, ILogger logger)
    {
        _dataSource = dataSource;
        _clock = clock;
        _logger = logger;
        Channel = "bt_" + (schema.Length > 60 ? schema[..60] : schema);
        _loop = listen ? Task.Run(() => ListenAsync(_stopping.Token)) : Task.CompletedTask;
    }

    public event Action<string>? JobsReady;

    public event Action<JobId>? JobChanged;

    public event Action<string, DateTimeOffset>? JobsDue;

    /// <summary>Gets a value indicating whether the <c>LISTEN</c> connection listens now.</summary>
    public bool IsListening => Volatile.Read(ref _isListening) == 1;

    /// <summary>Raised when another store saved, paused or removed a recurring job (<c>s</c>).</summary>
    public event Action? SchedulesChanged;

    /// <summary>Gets the channel hosts of this schema notify and listen on.</summary>
    public string Channel { get; }

    /// <summary>Gets this store's mark in its payloads: 8 hexadecimal digits of its own.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Gets the start of this store's "jobs ready" payloads, to which a statement that notifies by itself appends the queue.</summary>
    public string ReadyPrefix => "r" + Instance + ":";

    /// <summary>Gets a task that completes when the <c>LISTEN</c> connection first listens (never, in poll-only mode).</summary>
    public Task Listening => _listening.Task;

    /// <summary>Gets how many notifications of other stores this one received.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Appends to a batch the notifications its writes call for: one per queue made ready, one per 200 changed ids.</summary>
    public void AddNotifications(NpgsqlBatch batch, IReadOnlyList<PendingWrite> writes)
    {
        HashSet<string>? queues = null;
        HashSet<JobId>? changed = null;
        foreach (var write in writes)
        {
            if (write.ReadyQueue is { } queue)
            {
                (queues ??= new(StringComparer.Ordinal)).Add(queue);
            }

            if (write.Changed is { } id)
            {
                (changed ??= []).Add(id);
            }
        }

        foreach (var queue in queues ?? [])
        {
            batch.BatchCommands.Add(Notify('r', queue));
        }

        if (changed is not null)
        {
            foreach (var chunk in changed.Chunk(IdsPerNotification))
            {
                batch.BatchCommands.Add(Notify('c', string.Join(',', chunk)));
            }
        }
    }

    /// <summary>Makes the statement that tells other hosts jobs of <paramref name="queue"/> are ready.</summary>
    public NpgsqlBatchCommand Ready(string queue) => Notify('r', queue);

    /// <summary>Gets the payload that tells other hosts the recurring jobs changed.</summary>
    public string SchedulesPayload => "s" + Instance + ":";

    /// <summary>Makes the statement that tells other hosts these jobs changed (at most 200 ids).</summary>
    public NpgsqlBatchCommand Changed(IEnumerable<JobId> ids) => Notify('c', string.Join(',', ids));

    /// <summary>Remembers a queue this store claims from, to be told to look again when listening starts or stops.</summary>
    public void Watch(string queue) => _queues.TryAdd(queue, true);

    /// <summary>Tells this process's claim loop of <paramref name="queue"/> when its next job falls due.</summary>
    public void RaiseDue(string queue, DateTimeOffset dueAt)
    {
        if (JobsDue is { } handlers)
        {
            Raise<DateTimeOffset>(due => handlers(queue, due), dueAt);
        }
    }

    /// <summary>Wakes this process's own waiters for the jobs that committed writes changed and that another host may run.</summary>
    public void RaiseLocal(IReadOnlyList<PendingWrite> writes)
    {
        foreach (var write in writes)
        {
            if (write.RaiseLocally && write.Changed is { } id)
            {
                Raise(JobChanged, id);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private NpgsqlBatchCommand Notify(char kind, string data)
    {
        // Positional parameters: Npgsql sends the statement as it is.
        var command = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = string.Create(CultureInfo.InvariantCulture, $"{kind}{Instance}:{data}") });
        return command;
    }

#pragma warning disable CA1031 // A handler that throws is logged; the notifications that follow still reach the others.
    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var payload = e.Payload;
        if (payload.Length < 10 || payload[9] != ':' || string.CompareOrdinal(payload, 1, Instance, 0, 8) == 0)
        {
            return;
        }

        Interlocked.Increment(ref _received);
        var data = payload.AsSpan(10);
        if (payload[0] == 'r')
        {
            Raise(JobsReady, data.ToString());
        }
        else if (payload[0] == 's')
        {
            try
            {
                SchedulesChanged?.Invoke();
            }
            catch (Exception exception)
            {
                _logger.NotificationHandlerFailed(exception);
            }
        }
        else if (payload[0] == 'c')
        {
            foreach (var range in data.Split(','))
            {
                if (JobId.TryParse(data[range], out var id))
                {
                    Raise(JobChanged, id);
                }
            }
        }
    }

    /// <summary>Records whether the connection listens; on a change, the claim loops look again now (and poll at their new pace).</summary>
    private void SetListening(bool listening)
    {
        if (Interlocked.Exchange(ref _isListening, listening ? 1 : 0) != (listening ? 1 : 0))
        {
            foreach (var queue in _queues.Keys)
            {
                Raise(JobsReady, queue);
            }
        }
    }

    private void Raise<T>(Action<T>? handlers, T value)
    {
        try
        {
            handlers?.Invoke(value);
        }
        catch (Exception exception)
        {
            _logger.NotificationHandlerFailed(exception);
        }
    }
#pragma warning restore CA1031
}
