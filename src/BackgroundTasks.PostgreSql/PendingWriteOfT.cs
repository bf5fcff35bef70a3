using Npgsql;

namespace BackgroundTasks.PostgreSql;

/// <summary>A <see cref="PendingWrite"/> whose caller awaits a <typeparamref name="T"/> read from its rows.</summary>
/// <typeparam name="T">The answer.</typeparam>
/// <param name="statement">The statement.</param>
/// <param name="bind">Binds its parameters.</param>
/// <param name="read">Reads the answer from the statement's rows.</param>
/// <param name="cancellationToken">Cancels the write while it waits for its batch.</param>
internal sealed class PendingWrite<T>(PositionalStatement statement, Action<StatementParameters> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    : PendingWrite(statement, bind, cancellationToken)
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _answer;

    public Task<T> Task => _done.Task;

    /// <summary>Gets the query to run after the batch, made from the answer read so far; <see langword="null"/> (or a <see langword="null"/> query) for none.</summary>
    public Func<T, NpgsqlBatchCommand?>? FollowUp { get; init; }

    /// <summary>Gets how the follow-up query's rows change the answer.</summary>
    public Func<T, NpgsqlDataReader, T>? ReadFollowUpRows { get; init; }

    public override void Read(NpgsqlDataReader reader) => _answer = read(reader);

    public override NpgsqlBatchCommand? CreateFollowUp() => FollowUp?.Invoke(_answer!);

    public override void ReadFollowUp(NpgsqlDataReader reader)
    {
        if (ReadFollowUpRows is not null)
        {
            _answer = ReadFollowUpRows(_answer!, reader);
        }
    }

    public override void Complete() => _done.TrySetResult(_answer!);

    public override void Fail(Exception exception)
    {
        if (exception is OperationCanceledException canceled)
        {
            _done.TrySetCanceled(canceled.CancellationToken);
        }
        else
        {
            _done.TrySetException(exception);
        }
    }
}
