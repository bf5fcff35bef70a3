namespace ConsoleWorker.Jobs;

/// <summary>What an <see cref="ImportJob"/> imports, and how many of its attempts the supplier's API breaks.</summary>
/// <param name="Title">The import's name, shown as the job's label.</param>
/// <param name="Rows">How many rows it imports.</param>
/// <param name="FailingAttempts">The attempts (from the first) on which the connection drops half-way.</param>
internal sealed record ImportArgs(string Title, int Rows, int FailingAttempts);
