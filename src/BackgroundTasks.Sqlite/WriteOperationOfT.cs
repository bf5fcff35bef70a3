namespace BackgroundTasks.Sqlite;

/// <summary>A write whose caller waits for a value of type <typeparamref name="T"/>.</summary>
internal sealed class WriteOperation<T> : WriteOperation
{
    private readonly Func<GroupCommitWriter, T> _work;
    private readonly TaskCompletionSource<T> _completion;
    private T? _result;
    private Exception? _error;

    public WriteOperation(Func<GroupCommitWriter, T> work, bool inline, CancellationToken cancellationToken)
    {
        _work = work;
        _completion = new(inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        Watch(cancellationToken);
    }

    public Task<T> Task => _completion.Task;

    public override Exception? Error => _error;

    public override void Execute(GroupCommitWriter writer)
    {
        // A batch whose write threw runs again, each write in a savepoint: what the first run kept is forgotten.
        _error = null;
        try
        {
            _result = _work(writer);
        }
        catch (Exception exception)
        {
            _error = exception;
            throw;
        }
    }

    public override void Publish()
    {
        if (_error is { } error)
        {
            _completion.TrySetException(error);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    protected override void SetCancelled(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
}
