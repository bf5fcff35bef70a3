namespace BackgroundTasks;

/// <summary>
/// How long a failed job waits before its next attempt: <see cref="InitialDelay"/> doubled (by
/// <see cref="Multiplier"/>) after every failure, capped at <see cref="MaxDelay"/>, then spread by up to
/// <see cref="Jitter"/> either way so that jobs that failed together do not retry together.
/// </summary>
public sealed record RetryBackoff
{
    private readonly TimeSpan _initialDelay = TimeSpan.FromSeconds(1);
    private readonly TimeSpan _maxDelay = TimeSpan.FromMinutes(5);
    private readonly double _multiplier = 2;
    private readonly double _jitter = 0.2;

    /// <summary>Gets the default back-off: 1 s, doubling, at most 5 minutes, ±20 % jitter.</summary>
    public static RetryBackoff Default { get; } = new();

    /// <summary>Gets the delay before the second attempt.</summary>
    /// <value>Defaults to 1 second. Must not be negative.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan InitialDelay
    {
        get => _initialDelay;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(InitialDelay));
            _initialDelay = value;
        }
    }

    /// <summary>Gets the longest delay between two attempts.</summary>
    /// <value>Defaults to 5 minutes. Must not be negative.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxDelay
    {
        get => _maxDelay;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, nameof(MaxDelay));
            _maxDelay = value;
        }
    }

    /// <summary>Gets the factor the delay grows by after each failed attempt.</summary>
    /// <value>Defaults to 2; 1 gives a constant delay. Must be at least 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or not a number.</exception>
    public double Multiplier
    {
        get => _multiplier;
        init
        {
            if (!(value >= 1) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(Multiplier), value, "Multiplier must be a finite number of at least 1 (1 keeps the delay constant).");
            }

            _multiplier = value;
        }
    }

    /// <summary>Gets the fraction by which a delay is randomly lengthened or shortened.</summary>
    /// <value>Defaults to 0.2 (±20 %); 0 turns jitter off. Must be from 0 to 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0 to 1.</exception>
    public double Jitter
    {
        get => _jitter;
        init
        {
            if (!(value is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(Jitter), value, "Jitter must be from 0 (off) to 1 (±100 %).");
            }

            _jitter = value;
        }
    }

    /// <summary>Computes the delay after a failed attempt.</summary>
    /// <param name="failedAttempt">The attempt that failed, counting from 1.</param>
    /// <param name="random">A number from 0 (inclusive) to 1 (exclusive) that picks the jitter.</param>
    /// <returns>The delay before the next attempt.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="failedAttempt"/> is less than 1.</exception>
    internal TimeSpan GetDelay(int failedAttempt, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempt, 1);
        var ticks = InitialDelay.Ticks * Math.Pow(Multiplier, failedAttempt - 1);
        ticks = Math.Min(ticks, MaxDelay.Ticks);
        ticks *= 1 + (Jitter * ((2 * random) - 1));
        return TimeSpan.FromTicks((long)Math.Clamp(ticks, 0, MaxDelay.Ticks));
    }
}
