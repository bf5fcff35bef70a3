namespace ConsoleWorker.Jobs;

/// <summary>The range a <see cref="PrimeCountJob"/> searches.</summary>
/// <param name="Title">The job's label.</param>
/// <param name="Limit">Primes below this number are counted.</param>
internal sealed record PrimeCountArgs(string Title, int Limit);
