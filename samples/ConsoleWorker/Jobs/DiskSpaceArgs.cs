namespace ConsoleWorker.Jobs;

/// <summary>Which folder's drive a <see cref="DiskSpaceJob"/> checks.</summary>
/// <param name="Folder">The folder.</param>
internal sealed record DiskSpaceArgs(string Folder);
