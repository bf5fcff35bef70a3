namespace BackgroundTasks.PostgreSql.TestHost;

/// <summary>The host's effects file: one line per event, written through at once, so that a kill loses none that was written.</summary>
internal sealed class EffectLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;

    public EffectLog(string path) => _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };

    public void Write(string line)
    {
        lock (_gate)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose() => _writer.Dispose();
}
